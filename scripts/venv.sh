#!/usr/bin/env bash
# Creates a virtual environment ($VENV, default .venv) with a Python >= 3.12 if it is not
# there yet, and installs the pinned requirements file given as $1. Safe to run again:
# it only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=${1:-requirements.txt}
venv=${VENV:-.venv}

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3 python \
      "$HOME"/.pyenv/versions/*/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  python=$(find_python) || {
    echo "error: this project needs Python 3.12 or newer; none was found on PATH or in ~/.pyenv/versions." >&2
    echo "       Install one (for example with pyenv) and run the command again." >&2
    exit 1
  }
  echo "Creating $venv with $python ($("$python" --version))"
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

stamp="$venv/.installed-$(basename "$requirements")"
if [ ! -f "$stamp" ] || [ -n "$(find requirements*.txt -newer "$stamp")" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  # XStatic-Bootstrap ships only as a source archive whose setup.py still imports
  # pkg_resources, which newer setuptools dropped: build it with a setuptools that has it.
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "setuptools<81" wheel
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation -r "$requirements"
  touch "$stamp"
fi
