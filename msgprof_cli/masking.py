"""How a secret is shown: only its last 4 characters (a leaf module: render and settings use it)."""

from __future__ import annotations


def mask(secret: str | None) -> str:
    """Show only the last 4 characters of a secret; short ones not at all."""
    if not secret:
        return "(none)"
    if len(secret) <= 8:
        return "****"
    return "****" + secret[-4:]
