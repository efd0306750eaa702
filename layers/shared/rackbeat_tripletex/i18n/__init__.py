"""One message catalogue, both languages: every sentence the server shows or sends a user.

Each area of the service keeps its messages in its own module here (``streams.py`` for the
stream labels, ...) as ``MESSAGES: dict[str, Text]``; ``AREAS`` lists the modules and the
catalogue is their union (a key defined twice is an error at import). A message is a whole
sentence with named ``{placeholders}``, never assembled from pieces elsewhere, so a translator
edits only these files. ``tests/unit/test_i18n.py`` fails on a missing translation or on
placeholders that differ between the languages.

Which language: a message about a tenant is in the tenant's stored language; a request without
a tenant (sign-up, sign-in) is answered in its ``Accept-Language``. The boundary that knows
(the API's request middleware, a worker handling one tenant) sets it with ``use_language`` for
what it calls, so code deep in a check or a mapper writes ``text(key)`` without passing it on.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
AREAS: tuple[str, ...] = (
    "streams",
    "streams_items",
    "checks",
    "emails",
    "errors",
    "validation",
    "records",
    "history",
    "reconciliation",
    "identity",
    "wizard",
    "streams_ledger",
    "sync_turns",
    "import_setup",
    "management",
    "import_preview",
    "failure_details",
    "failure_details_rb",
)


def _load() -> dict[str, Text]:
    catalogue: dict[str, Text] = {}
    for area in AREAS:
        module = importlib.import_module(f"{__name__}.{area}")
        for key, value in module.MESSAGES.items():
            if key in catalogue:
                raise ValueError(f"message {key!r} is defined twice (again in i18n/{area}.py)")
            catalogue[key] = value
    return catalogue


def language_of(value: str | None) -> Language:
    """A stored or requested language, leniently: anything unknown is the default."""
    if value and value.lower()[:2] in ("nb", "nn", "no"):
        return Language.NB
    if value and value.lower().startswith("en"):
        return Language.EN
    return DEFAULT_LANGUAGE


def accepted_language(header: str | None) -> Language:
    """The first language of an ``Accept-Language`` header we write in (quality order), else
    the default: ``en-GB,en;q=0.8`` is English, ``da,en;q=0.5`` English, ``fr`` Norwegian."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.lower()))
    for _, _, tag in sorted(ranked):
        if tag[:2] in ("nb", "nn", "no"):
            return Language.NB
        if tag.startswith("en"):
            return Language.EN
    return DEFAULT_LANGUAGE


_CURRENT: ContextVar[Language] = ContextVar("language", default=DEFAULT_LANGUAGE)


def current_language() -> Language:
    return _CURRENT.get()


@contextmanager
def use_language(language: Language | str | None) -> Iterator[Language]:
    chosen = language if isinstance(language, Language) else language_of(language)
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)


def text(key: str, language: Language | str | None = None, /, **params: object) -> str:
    """The message ``key`` in ``language`` (the current one when not given) with its placeholders
    filled. An unknown key raises: a message shown to a user must exist in both languages."""
    if language is None:
        chosen = _CURRENT.get()
    else:
        chosen = language if isinstance(language, Language) else language_of(language)
    template = CATALOGUE[key].get(chosen)
    return template.format(**params) if params else template


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# Last: an area module may use what this module defines above (``text`` in a helper of its own).
CATALOGUE: dict[str, Text] = _load()
