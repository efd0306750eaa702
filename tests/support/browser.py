"""Debian's chromium driven by Playwright (it cannot download its own browser here), and numbered
screenshots of each step for a person to look at afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import REPO

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (make setup)"
)
# Each run's chromium flags: no sandbox (root in a container), nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


class Screenshots:
    """``shot(page, "name")`` writes tests/artifacts/<suite>/NN-name.png, numbered in order."""

    def __init__(self, suite: str) -> None:
        self.directory = REPO / "tests" / "artifacts" / suite
        self.directory.mkdir(parents=True, exist_ok=True)
        self._numbers: Iterator[int] = iter(range(1, 100))

    def __call__(self, page: Any, name: str) -> None:
        page.screenshot(path=str(self.directory / f"{next(self._numbers):02d}-{name}.png"), full_page=True)
