"""Debian's chromium driven by Playwright (it cannot download its own browser here), numbered
screenshots of each step for a person to look at afterwards, and the checks every page must
pass: axe-core (from npm, tests/support/axe; `make setup` installs it) finds nothing serious or
critical, and nothing is wider than a 375 px phone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import REPO

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "tests" / "support" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
needs_axe = pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make setup)")
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1100, "height": 900}
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


@contextmanager
def wizard_page(
    api_url: str,
    tenant_id: str | None = None,
    token: str | None = None,
    *,
    locale: str = "nb-NO",
    viewport: dict[str, int] | None = DESKTOP,
    accept_dialogs: bool = False,
) -> Iterator[Any]:
    """A fresh chromium with one page open at the wizard: its start, or with a tenant and its
    management token, the tenant's settings (where the wizard resumes at the tenant's step).
    ``viewport=None`` keeps Playwright's own size; ``page.context.browser`` opens more contexts.
    ``accept_dialogs`` answers the page's confirm() prompts with yes, from before it loads."""
    from playwright.sync_api import sync_playwright

    path = "/" if tenant_id is None else f"/#settings?tenant={tenant_id}&token={token}"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(locale=locale, **({} if viewport is None else {"viewport": viewport}))
            if accept_dialogs:
                page.on("dialog", lambda dialog: dialog.accept())
            page.goto(api_url + path)
            yield page
        finally:
            browser.close()


class Screenshots:
    """``shot(page, "name")`` writes tests/artifacts/<suite>/NN-name.png, numbered in order."""

    def __init__(self, suite: str) -> None:
        self.directory = REPO / "tests" / "artifacts" / suite
        self.directory.mkdir(parents=True, exist_ok=True)
        self._numbers: Iterator[int] = iter(range(1, 100))

    def __call__(self, page: Any, name: str) -> None:
        page.screenshot(path=str(self.directory / f"{next(self._numbers):02d}-{name}.png"), full_page=True)


def axe_problems(page: Any) -> list[str]:
    """The serious and critical axe-core violations on the page as it is now, one line each."""
    if not page.evaluate("() => Boolean(window.axe)"):
        # Injected by evaluation, not a <script> tag: the page's CSP allows only its own scripts.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def horizontal_overflow(page: Any) -> int:
    """How many pixels the page is wider than its viewport (0: no sideways scrolling)."""
    # Measured after two frames: a viewport just resized may still lay out for the old width.
    width = """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
      done(document.documentElement.scrollWidth - document.documentElement.clientWidth))))"""
    return int(page.evaluate(width))


def overflowing(page: Any) -> list[str]:
    """The visible elements that reach past the viewport's right edge (what a sideways scroll
    comes from), as tag#id.class and how far."""
    script = """() => {
      const edge = document.documentElement.clientWidth;
      return [...document.querySelectorAll("body *")]
        .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > edge + 0.5)
        .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join(".")} +${
          Math.round(e.getBoundingClientRect().right - edge)}px`);
    }"""
    return list(page.evaluate(script))


def settled(page: Any) -> None:
    """Every request the page started has answered (the page marks ``main`` aria-busy meanwhile).
    A language switch asks the server again, and ``wait_for_load_state("networkidle")`` returns
    at once after the page first loaded, so a check or a screenshot could see the old language."""
    from playwright.sync_api import expect

    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
