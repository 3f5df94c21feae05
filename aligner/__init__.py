"""aligner: Arabic–Persian parallel coverage."""

__version__ = "0.1.0"
