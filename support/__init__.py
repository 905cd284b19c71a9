"""What the tests, the browser tests (e2e/) and the tools (scripts/, bench/) share.

Each module is imported on its own, so that a tool takes only what it needs: `ports`,
`servers` and `production` need nothing but the standard library (scripts/screenshots.py,
scripts/scan.sh and the benchmark use them), the others need Django or the test tools
(requirements-test.txt).

- `ports`: a free TCP port of 127.0.0.1.
- `servers`: start a command that serves HTTP on a free port and wait until it answers
  (`ServerProcess`, `wait_for_answer`), or wait for any condition (`wait_until`).
- `production`: the app's production command (scripts/serve.sh) as a test runs it, in
  an environment of its own (`ProductionServer`).
- `smtp`: a real SMTP server on 127.0.0.1 and the inbox it fills, for the app's email.
- `visitor`: someone with a browser's cookie jar, talking HTTP to real servers.
- `races`: requests sent all at once, and a race lost on purpose.
- `client`: Django's test client signed in (`log_in`, `signed_in_client`,
  `logged_in_client`) and the header of htmx requests.
- `html`: what a page shows (its title, heading, messages, alerts, account menu).

Fixtures built on these are in the conftest.py files: the root one for what several
apps' tests use, and each app's tests/conftest.py for its own.
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent  # the repository's root
