# The msgprof sandbox as the Telnyx API for this suite: one per session, reset before each test.
pytest_plugins = ["msgprof_cli.testing"]
