"""``python -m msgprof_cli`` runs the same entry point as the ``msgprof`` script."""

from msgprof_cli.launcher import main

if __name__ == "__main__":
    main()
