"""``--format json``: the report as one JSON object (schema ``aligner.report/2``)."""

from __future__ import annotations

import json

from ..report import Report
from .safe import json_controls


def render_json(report: Report) -> str:
    return json_controls(json.dumps(report.to_dict(), ensure_ascii=False, indent=2)) + "\n"
