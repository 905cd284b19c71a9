"""`make screenshots`: the README's pictures of the app, taken in a real browser.

Starts the app on a throwaway SQLite database with the demo data, on a free port of
127.0.0.1, and photographs it as people see it: on a phone (390x844) in the light and
the dark theme, and on a desktop, logged out and logged in as the demo user. Writes
docs/screenshots/*.png (or $SCREENSHOTS_DIR: the tests run it there, so that it keeps
working; the committed pictures are taken by developers). Needs the test tools (`make
test` installs them) and Chromium (Debian's /usr/bin/chromium when there is one, else
Playwright's).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))  # run as a file, Python puts only scripts/ on the path

from e2e import pages  # noqa: E402
from support.ports import free_port  # noqa: E402
from support.servers import NotAnswering, ServerProcess  # noqa: E402

OUT = Path(os.environ.get("SCREENSHOTS_DIR") or BASE_DIR / "docs" / "screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
DEMO = ("demo", "demo-password-2026")  # core/management/commands/seed_demo.py


def start_app(database):
    """The development server on a free port, answering: stop() it when done."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "true"}
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(manage + command, env=env, check=True, capture_output=True)  # noqa: S603
    port = free_port()
    server = ServerProcess(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], port=port, env=env
    )
    try:
        return server.start(timeout=30)
    except NotAnswering:
        raise SystemExit("The app did not start.") from None


def log_in_as_demo(page, url):
    # e2e/pages.py's login form, then what only the pictures need: the address in full
    # (no base URL here), and the welcome message dismissed, so that it is not in them.
    page.goto(f"{url}/accounts/login/")
    pages.fill_login(page, *DEMO)
    page.wait_for_url(f"{url}/articles/")
    page.get_by_role("button", name="Dismiss").click()  # the welcome message


def shoot(browser, url, name, viewport, scheme, steps):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    steps(page)
    page.wait_for_timeout(300)  # transitions end
    page.screenshot(path=OUT / f"{name}.png")
    context.close()
    print(f"  {OUT / name}.png")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server = start_app(Path(folder) / "screenshots.sqlite3")
        url = server.url
        try:
            with sync_playwright() as playwright:
                chromium = "/usr/bin/chromium"
                browser = playwright.chromium.launch(
                    executable_path=chromium if Path(chromium).exists() else None
                )

                def articles(page):
                    page.goto(f"{url}/articles/")

                def menu(page):
                    log_in_as_demo(page, url)
                    page.locator("summary").click()

                def settings(page):
                    log_in_as_demo(page, url)
                    page.goto(f"{url}/accounts/sessions/")

                def two_factor(page):
                    log_in_as_demo(page, url)
                    page.goto(f"{url}/accounts/two-factor/")
                    page.get_by_role("button", name="Turn on two-factor sign-in").click()
                    page.wait_for_selector("#setup-key")

                def article(page):
                    articles(page)
                    page.get_by_role("link", name="Works without JavaScript").click()

                shoot(browser, url, "phone-articles-light", PHONE, "light", articles)
                shoot(browser, url, "phone-articles-dark", PHONE, "dark", articles)
                shoot(browser, url, "phone-menu-light", PHONE, "light", menu)
                shoot(browser, url, "phone-settings-dark", PHONE, "dark", settings)
                shoot(browser, url, "desktop-article", DESKTOP, "light", article)
                shoot(browser, url, "desktop-settings", DESKTOP, "light", settings)
                shoot(browser, url, "desktop-two-factor", DESKTOP, "light", two_factor)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
