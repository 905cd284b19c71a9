"""The settings of `make bench` (scripts/bench.sh): the app's own (core/settings.py), with
this folder installed as an app for its `benchmark` command
(bench/management/commands/benchmark.py). Only the benchmark's own process uses them:
the servers it measures run with the app's settings (and bench/plain/settings.py), as in
production, where the command does not exist.
"""

from core.settings import *  # noqa: F403
from core.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
