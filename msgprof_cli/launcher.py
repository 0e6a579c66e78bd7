"""The console script's entry point: answers --version without importing typer, else runs the CLI."""

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from msgprof_cli import __version__

        sys.stdout.write(f"msgprof {__version__}\n")
        return
    from msgprof_cli.cli import main as run

    try:
        run()
    finally:
        # The command has ended and said how (its exit code is set): a further Ctrl-C while the
        # interpreter waits for requests still in flight (bounded by their timeouts) would only
        # print a traceback from threading's shutdown.  So from here on, Ctrl-C is ignored.
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
