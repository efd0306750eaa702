"""Whether a sentence a user reads is one of the catalogue's, and in which language: each
catalogue text as a pattern its placeholders may fill (the records' values, another system's
quoted answer)."""

from __future__ import annotations

import re
import string

from rackbeat_tripletex.i18n import CATALOGUE, Language

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _template(message: str) -> re.Pattern[str] | None:
    """None for a text of fewer than three words of its own (it would match almost anything)."""
    pieces = _PLACEHOLDER.split(message)
    if sum(len(piece.split()) for piece in pieces) < 3:
        return None
    return re.compile("(?s)" + "(.+?)".join(re.escape(piece) for piece in pieces))


def templates(language: Language) -> list[re.Pattern[str]]:
    found = (_template(message.get(language)) for message in CATALOGUE.values())
    return [pattern for pattern in found if pattern is not None]


def fragments(language: Language) -> set[str]:
    """Every run of three words or more of the catalogue in `language`, between placeholders and
    punctuation (as tests/unit/test_i18n_rendered.py reads it)."""
    found = set()
    for message in CATALOGUE.values():
        for piece in _PLACEHOLDER.split(message.get(language)):
            for sentence in re.split(r"[.:;!?\n()\u00ab\u00bb\u201c\u201d\"]", piece):
                words = sentence.strip(string.whitespace + string.punctuation)
                if len(words.split()) >= 3:
                    found.add(words)
    return found


def assert_in_language(words: str, language: Language, what: object) -> None:
    """`words` are a catalogue text in `language`, not one of the other language, and carry no
    run of the other language's words."""
    other = Language.EN if language is Language.NB else Language.NB
    assert any(p.fullmatch(words) for p in templates(language)), (what, words)
    assert not any(p.fullmatch(words) for p in templates(other)), (what, words)
    leaked = {fragment for fragment in fragments(other) - fragments(language) if fragment in words}
    assert leaked == set(), (what, words)
