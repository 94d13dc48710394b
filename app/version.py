"""The application's version (the interface document and the CLI show it)."""

__version__ = "0.1.0"
