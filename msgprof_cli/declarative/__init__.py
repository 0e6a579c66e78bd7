"""declarative layer: see docs/architecture.md."""
