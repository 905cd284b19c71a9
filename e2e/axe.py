"""axe-core in the page: the accessibility check of the browser tests.

The `assert_accessible` fixture (e2e/conftest.py) calls `check` on the test's page.
"""

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from e2e import pages

BLOCKING_IMPACTS = ("serious", "critical")
AXE_SCRIPT = Axe().axe_script  # axe-core itself, as shipped in the package

# axe runs asynchronously, and with JavaScript disabled Chromium runs no timer, observer
# or queued task callback: only promise reactions. Page scripts never run there, so these
# stand-ins are only ever used by axe itself.
WITHOUT_JS_TIMERS = """() => {
  const later = (callback) => Promise.resolve().then(callback);
  const cancelled = new Set();
  let last = 0;
  window.setTimeout = (callback, delay, ...args) => {
    const id = ++last;
    // Longer delays are only axe's own time limits (frames, assets): never reached here.
    if (!(delay > 1)) later(() => cancelled.has(id) || callback(...args));
    return id;
  };
  window.clearTimeout = (id) => cancelled.add(id);
  window.queueMicrotask = later;
  window.MutationObserver = window.WebKitMutationObserver = undefined;
}"""

RUNNING_TRANSITIONS = (
    "document.getAnimations()"
    ".filter(a => a instanceof CSSTransition && a.playState === 'running').length"
)


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
    return "\n".join(lines)


def check(page: Page, js, state):
    """Scan the page as it is now: fail on any serious or critical axe violation
    (`state` names what the page shows, for the failure's message)."""
    expect(page.locator(pages.HTMX_IN_PROGRESS)).to_have_count(0)
    # Colours are measured as they end up, not halfway through a transition (a
    # button that just took the focus changes its colours over 150 ms).
    # (Polled with evaluate: wait_for_function would need 'unsafe-eval' in our CSP.)
    deadline = time.monotonic() + 5
    while page.evaluate(RUNNING_TRANSITIONS) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not page.evaluate("Boolean(window.axe)"):  # a full page load dropped it
        if not js:
            page.evaluate(WITHOUT_JS_TIMERS)
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run({resultTypes: ['violations']})")
    violations = results["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(
            f"axe: {len(blocking)} serious or critical accessibility problem(s) in the "
            f"{state} ({page.url}); all violations:\n{describe(violations)}"
        )
