"""The message catalogue: every message in both languages, with the same placeholders."""

from __future__ import annotations

import pytest

from rackbeat_tripletex import i18n
from rackbeat_tripletex.i18n import CATALOGUE, Language, Text, placeholders, text
from rackbeat_tripletex.models.sync import StreamName


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    message = CATALOGUE[key]
    assert message.nb.strip(), key
    assert message.en.strip(), key
    assert placeholders(message.nb) == placeholders(message.en), key


def test_the_norwegian_and_english_texts_differ_where_words_are_involved() -> None:
    # A copied English string in the Norwegian column is the usual forgotten translation.
    same = [key for key, m in CATALOGUE.items() if m.nb == m.en and any(c.isalpha() for c in m.nb)]
    allowed = {key for key in same if CATALOGUE[key].nb in _NAMES_SPELT_ALIKE}
    assert set(same) == allowed


_NAMES_SPELT_ALIKE = {"Rackbeat", "Tripletex", "E-post"}


def test_text_fills_placeholders_and_defaults_to_norwegian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CATALOGUE, "test.greeting", Text("Hei {name}", "Hello {name}"))
    assert text("test.greeting", name="Kari") == "Hei Kari"
    assert text("test.greeting", "en", name="Kari") == "Hello Kari"
    assert text("test.greeting", "en-GB", name="Kari") == "Hello Kari"
    assert text("test.greeting", Language.NB, name="Kari") == "Hei Kari"
    assert text("test.greeting", "xx", name="Kari") == "Hei Kari"


def test_an_unknown_key_raises() -> None:
    with pytest.raises(KeyError):
        text("no.such.message")


def test_a_key_defined_in_two_areas_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "AREAS", ("streams", "streams"))
    with pytest.raises(ValueError, match="defined twice"):
        i18n._load()


@pytest.mark.parametrize("name", list(StreamName))
def test_every_stream_has_a_label_and_an_explanation(name: StreamName) -> None:
    assert f"stream.{name.value}.label" in CATALOGUE
    assert f"stream.{name.value}.explain" in CATALOGUE
