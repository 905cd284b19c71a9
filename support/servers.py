"""Start a server and wait until it answers; wait for any condition.

Only the standard library: the tools (scripts/screenshots.py, the benchmark) use this
without the test tools installed.
"""

import contextlib
import http.client
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

# Straight to 127.0.0.1, never through a proxy that the environment may name.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def wait_until(condition, timeout=60, interval=0.2):
    """Call `condition()` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not true after {timeout} s: {condition}"
        time.sleep(interval)


def answers(url, timeout=1):
    """Whether a GET of `url` answers 200 now."""
    try:
        with _direct.open(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, http.client.HTTPException):  # refused, timed out, 4xx/5xx, cut off
        return False


class NotAnswering(Exception):
    """A server that exited before it answered (`exited`), or did not answer in time."""

    def __init__(self, message, exited=False):
        super().__init__(message)
        self.exited = exited


def wait_for_answer(url, process=None, timeout=90, interval=0.2):
    """Return once a GET of `url` answers 200. Raises NotAnswering when `process` (the
    server's, if given) exits first, or when `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise NotAnswering("exited at start", exited=True)
        if answers(url):
            return
        if time.monotonic() >= deadline:
            raise NotAnswering(f"did not answer in {timeout} s")
        time.sleep(interval)


class ServerProcess:
    """A command that serves HTTP at 127.0.0.1:`port`, in a process group of its own (so
    that stopping it stops its workers too), its output appended to `log_path` (else
    dropped). Started, it is ready once GET `ready_path` answers 200.

    Used as a context manager, it is started on entering and stopped on leaving.
    """

    def __init__(
        self,
        command,
        *,
        port,
        env=None,
        cwd=None,
        log_path=None,
        ready_path="/healthz",
        name="the server",
        stop_timeout=20,
    ):
        self.command = command
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = env
        self.cwd = cwd
        self.log_path = Path(log_path) if log_path else None
        self.ready_path = ready_path
        self.name = name
        self.stop_timeout = stop_timeout
        self.process = None

    def start(self, timeout=90):
        """Start the command and return once it answers. Raises NotAnswering when it
        exits first or does not answer in `timeout` seconds (it is stopped then)."""
        with contextlib.ExitStack() as files:
            output = subprocess.DEVNULL
            if self.log_path:
                output = files.enter_context(self.log_path.open("ab"))
            self.process = subprocess.Popen(  # noqa: S603 (the caller's own command)
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_answer(self.url + self.ready_path, self.process, timeout)
        except NotAnswering:
            self.stop()
            raise
        return self

    def stop(self):
        """A graceful stop (SIGTERM to the process and its children), forced with SIGKILL
        after `stop_timeout` seconds."""
        if self.process is None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        """SIGKILL to every process of this server, as a crash or an OOM kill would."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def _signal(self, signum):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def log(self):
        """What the server wrote so far."""
        return self.log_path.read_text(errors="replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
