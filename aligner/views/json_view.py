"""``--format json``: the report as one JSON object (schema ``aligner.report/2``)."""

from __future__ import annotations

import json

from ..report import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
