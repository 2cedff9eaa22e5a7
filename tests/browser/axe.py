"""axe-core in the browser tests: the npm package (tests/browser/package.json, pinned by its
package-lock.json; `make test` runs `npm ci` here, and so does `axe_source()` the first time)
injected into a page and run there.

Why npm's axe-core rather than a PyPI wrapper: the rules engine is Deque's JavaScript
itself, at the version the lock file names, installed the same way as tests/oidc's provider;
the Python wrappers on PyPI vendor an older copy of that same file behind their own release
cycle.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.1 level A and AA; `scrollable-region-focusable` is among them (wcag2a).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Of those, the rules whose outcome depends on the width of the screen (what the layout
# shows, its colours and what scrolls): a second width needs only these, which keeps the walk
# at two widths affordable (axe's full run costs about a second a page).
LAYOUT_RULES = [
    "color-contrast",
    "scrollable-region-focusable",
    "meta-viewport",
    "link-in-text-block",
]


@cache
def axe_source() -> str:
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(
                "npm is needed for axe-core (tests/browser/package.json): apt-get install npm"
            )
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    return AXE.read_text()


def violations(page, *, layout_only: bool = False) -> list[str]:
    """The WCAG 2.1 A/AA violations axe finds on the page as it stands, one line per element:
    rule, impact, what is wrong and where (`layout_only`: the rules of LAYOUT_RULES only)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    run_only = (
        {"type": "rule", "values": LAYOUT_RULES}
        if layout_only
        else {"type": "tag", "values": WCAG_TAGS}
    )
    result = page.evaluate(
        """async (runOnly) => {
            const r = await axe.run(document, {runOnly, resultTypes: ['violations']});
            if (!r.passes.length) return ['axe-core ran no rule on this page'];
            return r.violations.flatMap(v => v.nodes.map(n =>
                `${v.id} (${v.impact}): ${n.failureSummary.split('\\n').slice(1).join(' ').trim()} — ${n.target.join(' ')}: ${n.html.slice(0, 160)}`));
        }""",
        run_only,
    )
    return list(result)
