#!/usr/bin/env bash
# `make mutation`: change the app's code one small step at a time (mutmut) and run, for
# each change, the unit tests that exercised the changed function; a change no test
# notices is a surviving mutant. Mutates accounts/, articles/ and core/ (not migrations,
# settings or tests: see [tool.mutmut] in pyproject.toml), then prints the score per
# module and the survivors (scripts/mutation.py). About 25 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh requirements-mutation.txt
rm -rf mutants
mkdir -p mutation-results
echo "Running mutmut (progress in mutation-results/mutmut.log)"
.venv/bin/mutmut run --max-children "$(nproc)" >mutation-results/mutmut.log 2>&1 || {
  tail -n 40 mutation-results/mutmut.log
  exit 1
}
.venv/bin/python scripts/mutation.py | tee mutation-results/report.txt
