"""Keep the HTML of every open page when a browser test fails (a pytest plugin).

pytest-playwright keeps a trace and a screenshot of a failed test in its --output folder
(test-results/<test>/, see addopts in pyproject.toml); this adds page.html next to them
(page-2.html, ... when the test had several pages open): the DOM exactly as the browser
had it, htmx swaps included, to read or search without opening the trace viewer.

The HTML is taken while the pages are still open, at the end of every browser test,
because a test can still fail after that (the check for browser errors runs in the
teardown); it is written only once the test has failed. The end of the run lists the
artifacts of every failed test.

Loaded from the root conftest.py: pytest_plugins = ["e2e.artifacts"].
"""

from pathlib import Path

import pytest
from playwright.sync_api import Error

_page_html = pytest.StashKey[tuple[Path, list[str]]]()
_failed = pytest.StashKey[bool]()

PAGE_HTML = "playwright_page_html"  # the user property that names a saved file
ARTIFACT_PROPERTIES = (PAGE_HTML, "playwright_trace", "playwright_screenshot")


@pytest.fixture(autouse=True)
def _page_html_for_failures(request):
    """Take the HTML of the test's open pages as it ends (browser tests only)."""
    if "new_context" not in request.fixturenames:
        yield
        return
    # Requested here so that their contexts are closed only after this fixture's end.
    request.getfixturevalue("new_context")
    browser = request.getfixturevalue("browser")
    folder = Path(request.getfixturevalue("output_path"))
    yield
    pages = [page for context in browser.contexts for page in context.pages]
    request.node.stash[_page_html] = (folder, [page_html(page) for page in pages])


def page_html(page):
    try:
        return page.content()
    except Error as error:  # a crashed page, or one in the middle of a navigation
        return f"<!-- the page's HTML could not be read: {error.message} -->"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[_failed] = True
    if report.when == "teardown" and item.stash.get(_failed, False):
        for path in save_page_html(item):
            report.user_properties.append((PAGE_HTML, shown(item.config, path)))
    return report


def save_page_html(item):
    folder, snapshots = item.stash.get(_page_html, (None, []))
    paths = []
    for number, html in enumerate(snapshots, start=1):
        path = folder / ("page.html" if number == 1 else f"page-{number}.html")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def shown(config, path):
    """`path` relative to where pytest was started, as pytest-playwright shows its own."""
    try:
        return str(path.relative_to(config.invocation_params.dir))
    except ValueError:
        return str(path)


def pytest_terminal_summary(terminalreporter):
    """List where the artifacts of failed tests are (also under pytest-xdist)."""
    lines = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "teardown":
                continue
            lines.extend(
                f"{report.nodeid}: {value}"
                for name, value in report.user_properties
                if name in ARTIFACT_PROPERTIES
            )
    if lines:
        terminalreporter.section("browser test artifacts (trace: playwright show-trace FILE)")
        for line in sorted(lines):
            terminalreporter.line(line)
