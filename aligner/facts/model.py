"""The fact records: what was found (surface text and offsets) and its canonical value."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("number", "date", "name", "attribution")


@dataclass(frozen=True)
class Fact:
    """One fact in one segment.

    ``text == segment.text[start:end]`` (the user's words); ``value`` is the canonical
    form used for matching, never shown in place of ``text``:

    - number: the value as a decimal string (``"120000000"``, ``"1.5"``); ``unit`` e.g. ``usd``, ``%``, ``m``, ``day``;
      ``counted`` what happened to the people it counts (``killed``, ``injured``, ``missing``, ``arrested``,
      ``displaced``) when a word near it says so (see :mod:`aligner.facts.counted`)
    - date: ISO 8601 (``2025-06-23``, ``2025-10``, ``2025``, ``2025-09-23/2025-11-21``; ``--10-16`` without a
      year; ``weekday:monday``; ``relative:last-year``); ``span`` holds the first and last day; ``unit`` is
      ``day``, ``month``, ``year``, ``week``, ``range``, ``weekday`` or ``relative``. Relative dates, weekdays
      and dates without a year are resolved against the article's own date when it gives one (``note`` says
      how, e.g. "yesterday of 2025-11-12 (the article's date)"); the last three forms are left for the rest
    - name: the cross-script key (see :func:`aligner.facts.names.name_key`)
    - attribution: the speaker's key; ``unit`` holds the verb as written, ``speaker`` the speaker's surface text
    """

    kind: str
    text: str
    start: int  # offsets in the segment's text
    end: int
    value: str
    segment: int = -1
    doc_start: int = -1  # offsets in the document
    unit: str = ""
    span: tuple[str, str] | None = None
    calendar: str = ""  # date: gregorian, jalali, hijri
    note: str = ""  # how the value was obtained ("Jalali 2 Tir 1404", "year from context", ...)
    approx: bool = False  # "about", "more than", ...
    bound: str = ""  # number: "about", "above" (more than, at least) or "below" (less than, at most); approx too
    counted: str = ""  # number: what happened to the people counted (killed, injured, ...), when known
    speaker: str = ""  # attribution: the speaker as written (or resolved from a pronoun)
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def doc_end(self) -> int:
        return self.doc_start + (self.end - self.start)

    def to_dict(self) -> dict:
        d = {
            "kind": self.kind,
            "segment": self.segment,
            "start": self.start,
            "end": self.end,
            "doc_start": self.doc_start,
            "doc_end": self.doc_end,
            "text": self.text,
            "value": self.value,
        }
        for key in ("unit", "counted", "calendar", "note", "speaker"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        if self.span:
            d["span"] = list(self.span)
        if self.approx:
            d["approx"] = True
        if self.bound:
            d["bound"] = self.bound
        return d
