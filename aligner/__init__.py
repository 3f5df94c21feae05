"""aligner: Arabic–Persian parallel coverage.

>>> import aligner
>>> report = aligner.compare(arabic_text, persian_text)
>>> report.summary, report.signature
"""

__version__ = "0.1.0"

from .pipeline import compare, compare_files  # noqa: E402
from .report import Report  # noqa: E402

__all__ = ["compare", "compare_files", "Report", "__version__"]
