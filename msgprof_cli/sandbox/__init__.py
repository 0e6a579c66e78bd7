"""The local Telnyx-compatible sandbox server (standard library only)."""

from msgprof_cli.sandbox.server import Faults, Sandbox

__all__ = ["Faults", "Sandbox"]
