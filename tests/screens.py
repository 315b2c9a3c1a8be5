"""Screens of the browser journeys: full-page screenshots and an axe-core audit of each page.

axe-core is the accessibility engine of Deque's npm package ``axe-core`` (MPL-2.0), kept beside
this file in ``tests/vendor/axe-core-<version>/`` (``npm pack axe-core@<version>``, the
``axe.min.js`` and its LICENSE) and injected from there: nothing is fetched from a CDN.

``look_at(page, name)`` is what a journey calls on a page it wants seen: the page is shot full
length at 1280 and 390 px wide and audited at both widths. An audit fails on any violation and on
any "needs review" result of critical impact. Screenshots go to ``$SCREENSHOT_DIR`` (default
``tests/artifacts/screens/``, ignored by git), named ``<name>-<language>-<width>.png``.
"""

import os
import re
from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_JS = Path(__file__).resolve().parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
SCREENSHOT_DIR = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parent / "artifacts" / "screens"
)
WIDTHS = (1280, 390)
# WCAG 2.1 A and AA, and axe's best practices that a public service is held to
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


class AccessibilityFailure(AssertionError):
    pass


def _describe(results: list, title: str) -> str:
    lines = [title]
    for result in results:
        lines.append(f"- {result['id']} ({result.get('impact')}): {result['help']}")
        for node in result["nodes"][:5]:
            lines.append(
                f"    {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return "\n".join(lines)


_AXE_SOURCE = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE_JS.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


def audit(page) -> dict:
    """Run axe-core on the page as it stands; return its results (violations, incomplete).

    Frames are not entered: the portal frames only an uploaded document (a scanned licence or
    power of attorney shown to a reviewer), which is the applicant's file, not a portal page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does
        # not govern: the page under test keeps its real policy
        page.evaluate(_axe_source() + "\n;true")
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete'], iframes: false, rules: {'frame-tested': {enabled: false}}});
            return {violations: r.violations, incomplete: r.incomplete};
        }""",
        AXE_TAGS,
    )


def assert_accessible(page, name: str) -> None:
    results = audit(page)
    problems = []
    if results["violations"]:
        problems.append(_describe(results["violations"], f"{name}: axe-core violations at {page.url}"))
    critical = [r for r in results["incomplete"] if r.get("impact") == "critical"]
    if critical:
        problems.append(_describe(critical, f"{name}: critical 'needs review' at {page.url}"))
    if problems:
        raise AccessibilityFailure("\n".join(problems))


def page_language(page) -> str:
    return (page.evaluate("document.documentElement.lang") or "unknown").lower()


def screenshot_path(name: str, language: str, width: int) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    return SCREENSHOT_DIR / f"{safe}-{language}-{width}.png"


def look_at(page, name: str) -> list[Path]:
    """Shoot the page full length at each width and audit it there; restore the viewport."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    language = page_language(page)
    shots = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # let the page answer the resize (a wide table becomes a keyboard-scrollable box)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            path = screenshot_path(name, language, width)
            page.screenshot(path=str(path), full_page=True)
            shots.append(path)
            assert_accessible(page, f"{name} [{language}, {width} px]")
    finally:
        if original:
            page.set_viewport_size(original)
    return shots
