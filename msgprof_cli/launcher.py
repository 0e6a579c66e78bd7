"""The console script's entry point: answers --version without importing typer, else runs the CLI."""

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from msgprof_cli import __version__

        sys.stdout.write(f"msgprof {__version__}\n")
        return
    from msgprof_cli.cli import main as run

    run()
