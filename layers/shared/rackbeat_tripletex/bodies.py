"""Screening a request body before anything parses it for real: too deep, a number too large to
mean anything, or not JSON at all each become a named problem (a 400/422 answer), never a crash.

Python's json module recurses once per nesting level (RecursionError near 1000 levels), refuses
integers over 4300 digits with a ValueError that is not a JSONDecodeError, and reads ``1e999`` as
infinity: all three used to escape the routes as 502s.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Any

MAX_DEPTH = 32
# No field of ours holds a number anywhere near this; larger ones are garbage or an attack.
MAX_NUMBER_CHARS = 40


class BodyProblem(StrEnum):
    NOT_JSON = "not_json"
    TOO_DEEP = "too_deep"
    NUMBER_TOO_LARGE = "number_too_large"


MESSAGES: dict[BodyProblem, str] = {
    BodyProblem.NOT_JSON: "The request body is not valid JSON. Check for a missing quote, comma or brace.",
    BodyProblem.TOO_DEEP: f"The request body nests objects or lists deeper than {MAX_DEPTH} levels.",
    BodyProblem.NUMBER_TOO_LARGE: "The request body holds a number too large for any field.",
}


class UnreadableBody(ValueError):
    def __init__(self, problem: BodyProblem) -> None:
        super().__init__(MESSAGES[problem])
        self.problem = problem


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings, found without parsing (so without
    recursion); stops counting once past MAX_DEPTH."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _number(text: str) -> float | int:
    if len(text) > MAX_NUMBER_CHARS:
        raise UnreadableBody(BodyProblem.NUMBER_TOO_LARGE)
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise UnreadableBody(BodyProblem.NUMBER_TOO_LARGE)
    return value


def _constant(name: str) -> Any:
    # NaN and Infinity are not JSON; Python would accept them.
    raise UnreadableBody(BodyProblem.NOT_JSON)


def parse(text: str) -> Any:
    """The body as JSON, or UnreadableBody naming what is wrong with it."""
    if nesting_depth(text) > MAX_DEPTH:
        raise UnreadableBody(BodyProblem.TOO_DEEP)
    try:
        return json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_constant)
    except UnreadableBody:
        raise
    except (ValueError, RecursionError) as error:
        raise UnreadableBody(BodyProblem.NOT_JSON) from error
