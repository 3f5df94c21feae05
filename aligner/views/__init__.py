"""One module per output format; each turns a :class:`~aligner.report.Report` into text."""

from __future__ import annotations

FORMATS = ("text", "json", "tsv")
