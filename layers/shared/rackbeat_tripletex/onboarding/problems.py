"""Why a request body was refused, per field, in the user's language.

Pydantic's own words are English and name Python types; each error type it can give for our
bodies has a message in ``i18n/validation.py`` filled from the error's ``ctx``, and a type we
have no message for gets a general sentence. The field is always named and the input never
echoed (an input may be a token).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rackbeat_tripletex.i18n import CATALOGUE, Language, text

# Pydantic's type for "not JSON at all": a problem of the body, not of a field.
_BODY_TYPES = ("json_invalid", "body_not_utf8")


def reason(kind: str, ctx: Mapping[str, Any] | None, language: Language | None = None) -> str:
    key = f"validation.{kind}"
    if key not in CATALOGUE:
        return text("validation.other", language)
    values = {name: _shown(value) for name, value in (ctx or {}).items()}
    try:
        return text(key, language, **values)
    except KeyError:
        # A ctx without the value the message names (another pydantic version): say it plainly.
        return text("validation.other", language)


def describe_validation_errors(
    errors: list[Mapping[str, Any]], language: Language | None = None
) -> dict[str, Any]:
    """A 422 body: ``message`` names every field and its reason in one sentence, ``detail`` one
    entry per field (``field``, ``type``, ``message``) for the page to show next to the input."""
    details = []
    for error in errors:
        kind = str(error.get("type", "invalid"))
        if kind in _BODY_TYPES:
            details.append({"field": "body", "type": kind, "message": text(f"validation.{kind}", language)})
            continue
        loc = [str(part) for part in error.get("loc", ())]
        field = ".".join(part for part in loc if part != "body") or "body"
        details.append({"field": field, "type": kind, "message": reason(kind, error.get("ctx"), language)})
    problems = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return {"message": text("validation.summary", language, problems=problems), "detail": details}


def _shown(value: object) -> str:
    # An enum's or literal's choices arrive as "'a', 'b' or 'c'"; numbers and words as they are.
    return str(value)
