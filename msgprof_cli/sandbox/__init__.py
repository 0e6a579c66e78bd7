"""The local Telnyx-compatible sandbox server (standard library only): see server.py."""
