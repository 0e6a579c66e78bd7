"""msgprof: create and manage Telnyx messaging profiles from the command line."""

__version__ = "0.1.0"
USER_AGENT = f"msgprof/{__version__}"
