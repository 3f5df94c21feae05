"""Framing: which words each article uses for the same things (a lexicon of concepts, variants and registers).

``check_framing(left_segments, right_segments, pairs)`` finds every lexicon term in both articles
(:class:`Mention`, with offsets) and flags a concept both name in different registers, per pair and
over the documents (:class:`FramingReport`). ``load_lexicon(path)`` reads the bundled lexicon,
extended or replaced by a user's file.
"""

from .compare import SCHEMA, Difference, FramingReport, check_framing, differences
from .detect import Mention, find_mentions
from .lexicon import REGISTERS, Concept, Lexicon, LexiconError, Variant, load_lexicon

__all__ = [
    "SCHEMA", "REGISTERS", "Concept", "Difference", "FramingReport", "Lexicon", "LexiconError", "Mention", "Variant",
    "check_framing", "differences", "find_mentions", "load_lexicon",
]
