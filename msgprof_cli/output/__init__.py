"""output layer: see docs/architecture.md."""
