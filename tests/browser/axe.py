"""Accessibility checks with axe-core (shipped inside axe_playwright_python): WCAG 2.1 A and AA."""
from __future__ import annotations

from functools import cache
from importlib.resources import files

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")


@cache
def axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is now and return its violations."""
    # page.evaluate runs through the DevTools protocol, so the portal's CSP (script-src 'self') stays on.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                            "resultTypes: ['violations']})", TAGS)
    return results["violations"]


def assert_accessible(page) -> None:
    """Fail listing every serious or critical WCAG 2.1 AA violation on the current page."""
    problems = [v for v in axe_violations(page) if v.get("impact") in FAILING_IMPACTS]
    checked = getattr(page, "accessibility_checked", None)
    if checked is not None:
        checked(page.url)
    if problems:
        lines = [f"{len(problems)} accessibility violation(s) on {page.url}:"]
        for violation in problems:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"]:
                lines.append(f"    at {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
        raise AssertionError("\n".join(lines))
