"""Races: requests sent all at once, and a race lost on purpose."""

import sys
import threading

from django.db import connection


def all_at_once(count, action):
    """Run action(i) for i in range(count) in `count` threads released together.

    Returns the results (or the exception a thread raised) in order of i.
    """
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=60)
            results[i] = action(i)
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


class RivalCommitsFirst:
    """Lose a race on purpose: while active, `rival()` runs (and its rows are written)
    the moment `saving` (a function of the app) opens its transaction, after everything
    was checked and just before the app's own INSERT, as if a simultaneous request had
    won in between.

    The rival's rows are written before that savepoint, so rolling back the refused
    save does not remove them, as the winner's row stays when the loser's INSERT fails.
    Only a savepoint opened inside `saving` counts: validation opens some too.
    """

    def __init__(self, saving, rival):
        self.saving, self.rival, self.done = saving, rival, False

    def __call__(self, execute, sql, params, many, context):
        if not self.done and sql.startswith("SAVEPOINT") and self._inside_saving():
            self.done = True
            self.rival()
        return execute(sql, params, many, context)

    def _inside_saving(self):
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code is self.saving.__code__:
                return True
            frame = frame.f_back
        return False

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._wrapper.__exit__(*exc_info)
