"""The package version: one place, read by setup.cfg and the report signature (imports nothing)."""

__version__ = "0.1.0"
