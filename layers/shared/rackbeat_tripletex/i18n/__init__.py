"""One message catalogue, both languages: every sentence the server shows or sends a user.

Each area of the service keeps its messages in its own module here (``streams.py`` for the
stream labels, ...) as ``MESSAGES: dict[str, Text]``; ``AREAS`` lists the modules and the
catalogue is their union (a key defined twice is an error at import). A message is a whole
sentence with named ``{placeholders}``, never assembled from pieces elsewhere, so a translator
edits only these files. ``tests/unit/test_i18n.py`` fails on a missing translation or on
placeholders that differ between the languages.
"""

from __future__ import annotations

import importlib
import string
from dataclasses import dataclass
from enum import StrEnum


class Language(StrEnum):
    NB = "nb"  # Norwegian bokmål: the default, the market is Norwegian
    EN = "en"


DEFAULT_LANGUAGE = Language.NB


@dataclass(frozen=True)
class Text:
    nb: str
    en: str

    def get(self, language: Language) -> str:
        return self.nb if language is Language.NB else self.en


# The area modules, each defining ``MESSAGES``. A new area is a new module and one line here.
AREAS: tuple[str, ...] = ("streams", "sync_turns")


def _load() -> dict[str, Text]:
    catalogue: dict[str, Text] = {}
    for area in AREAS:
        module = importlib.import_module(f"{__name__}.{area}")
        for key, value in module.MESSAGES.items():
            if key in catalogue:
                raise ValueError(f"message {key!r} is defined twice (again in i18n/{area}.py)")
            catalogue[key] = value
    return catalogue


CATALOGUE: dict[str, Text] = _load()


def language_of(value: str | None) -> Language:
    """A stored or requested language, leniently: anything unknown is the default."""
    if value and value.lower()[:2] in ("nb", "nn", "no"):
        return Language.NB
    if value and value.lower().startswith("en"):
        return Language.EN
    return DEFAULT_LANGUAGE


def text(key: str, language: Language | str | None = None, /, **params: object) -> str:
    """The message ``key`` in ``language`` with its placeholders filled. An unknown key raises:
    a message shown to a user must exist in the catalogue in both languages."""
    chosen = language if isinstance(language, Language) else language_of(language)
    template = CATALOGUE[key].get(chosen)
    return template.format(**params) if params else template


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
