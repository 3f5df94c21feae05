"""aligner: Arabic–Persian parallel coverage.

>>> import aligner
>>> report = aligner.compare(arabic_text, persian_text)
>>> report.summary, report.signature
"""

from ._version import __version__
from .pipeline import compare, compare_files
from .report import Report

__all__ = ["compare", "compare_files", "Report", "__version__"]
