"""axe-core (MPL-2.0, tests/browser/vendor/axe.min.js from the npm registry) run inside a page.

Injected through Playwright's evaluate, which the page's CSP does not govern, so the pages keep
their strict policy while they are checked. The rules: every missing-name rule (fields, buttons,
links, images, selects...) and colour contrast (WCAG 2 AA)."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
RULES = [
    "label",
    "button-name",
    "link-name",
    "image-alt",
    "input-image-alt",
    "input-button-name",
    "select-name",
    "svg-img-alt",
    "role-img-alt",
    "area-alt",
    "object-alt",
    "frame-title",
    "summary-name",
    "aria-input-field-name",
    "aria-toggle-field-name",
    "aria-command-name",
    "aria-progressbar-name",
    "aria-meter-name",
    "aria-tooltip-name",
    "aria-dialog-name",
    "document-title",
    "html-has-lang",
    "color-contrast",
]
_source: str | None = None


def violations(page) -> list[str]:  # noqa: ANN001
    """One line per failing node: rule, target and axe's summary of what is wrong."""
    global _source  # noqa: PLW0603 - read once per test process
    if _source is None:
        _source = AXE.read_text(encoding="utf-8")
    page.evaluate(_source)
    result = page.evaluate(
        "async (rules) => (await axe.run(document, {runOnly: {type: 'rule', values: rules},"
        " resultTypes: ['violations']})).violations",
        RULES,
    )
    return [
        f"{v['id']}: {node['target']} {node.get('failureSummary', '')}"
        for v in result
        for node in v["nodes"]
    ]
