"""The app's production command as the tests run it: real processes on a free port.

`ProductionServer` runs scripts/serve.sh (checks, migrations, static files, gunicorn),
or only gunicorn (`GUNICORN_ONLY`), in an environment made from this one without what
the test run configured for itself (`server_environment`). The tests talk to it only
over the network (support.visitor).
"""

import os

from support import BASE_DIR
from support.ports import free_port
from support.servers import NotAnswering, ServerProcess

SECRET_KEY = "tests-only-secret-key-" + "k" * 40
SERVE = [str(BASE_DIR / "scripts" / "serve.sh")]
# Only the server, without the start's checks and migrations (for a database that is
# unreachable from the start).
GUNICORN_ONLY = [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "--config", "core/gunicorn.py"]


def server_environment(**overrides):
    """A production environment for the app, without anything this test run configured."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key not in ("DATABASE_URL", "REDIS_URL", "REDIS_PAGES_URL", "EMAIL_HOST", "EMAIL_PORT")
    }
    env.update(
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain http on 127.0.0.1: there is no TLS proxy in front in these tests.
        DJANGO_HTTPS="false",
        # Tests sign up many people from one address.
        DJANGO_SIGNUP_LIMIT_PER_HOUR="1000",
        WEB_CONCURRENCY="2",
        GUNICORN_LOG_LEVEL="warning",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class ProductionServer(ServerProcess):
    """The production command (`command`), started in its own process group on a free
    port with DJANGO_DEBUG=false; `env` adds to or overrides server_environment()'s.
    Ready once /healthz answers; its output is appended to `log_path`."""

    def __init__(self, log_path, command=SERVE, **env):
        port = free_port()
        super().__init__(
            command,
            port=port,
            env=server_environment(BIND=f"127.0.0.1:{port}", DJANGO_DEBUG="false", **env),
            cwd=BASE_DIR,
            log_path=log_path,
        )

    def start(self, timeout=90):
        """Start the server and return it once it answers; fail with the end of its log
        when it exits first or does not answer in `timeout` seconds."""
        try:
            return super().start(timeout)
        except NotAnswering as error:
            raise AssertionError(f"the server {error}:\n{self.log()[-3000:]}") from None
