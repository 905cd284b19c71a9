#!/usr/bin/env bash
# `make scan`: the wapiti web scanner against this app running as in production (gunicorn,
# DJANGO_DEBUG=false) on a throwaway SQLite database with the demo data. Two scans: logged
# in as the demo user, then anonymous. Logging out and deleting the account are left out,
# so that the logged-in scan stays logged in. It fails on any medium or high finding, on
# any anomaly (an error the scanner provoked), and on any 5xx in the server's log.
# The reports are kept in scan-results/. Not part of `make test`: it takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh requirements.txt
VENV=.venv-scan scripts/venv.sh requirements-scan.txt

results=scan-results
rm -rf "$results" && mkdir -p "$results"
work=$(mktemp -d)
port=$(.venv/bin/python -c 'from support.ports import free_port; print(free_port())')
site="http://127.0.0.1:$port"

export DJANGO_DEBUG=false DJANGO_HTTPS=false DJANGO_EMAIL_CONSOLE=true
export DJANGO_SECRET_KEY="scan-only-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="sqlite:///$work/db.sqlite3"
export DJANGO_STATIC_ROOT="$work/static" BIND="127.0.0.1:$port" WEB_CONCURRENCY=2
export DJANGO_SIGNUP_LIMIT_PER_HOUR=100000

.venv/bin/python manage.py migrate --noinput --verbosity 0
.venv/bin/python manage.py seed_demo >/dev/null
setsid scripts/serve.sh >"$results/server.log" 2>&1 &
server=$!
cleanup() {
  kill -TERM -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
.venv/bin/python -c 'import sys; from support.servers import wait_for_answer
wait_for_answer(sys.argv[1] + "/healthz", timeout=60)' "$site"

# Modules that need no outside service (ssrf and log4shell call one; ssl needs TLS). Not
# timesql: time-based blind injection takes hours here, and `sql` tries error- and
# boolean-based injection on every parameter. Each module gets at most 90 s per scan.
modules=exec,file,sql,xss,permanentxss,redirect,crlf,csrf,upload,xxe,ldap,methods,htaccess,backup
scan() {
  local name=$1
  shift
  echo "== wapiti: $name"
  .venv-scan/bin/wapiti --url "$site/" --scope folder --module "$modules" \
    --exclude "$site/accounts/logout/*" --exclude "$site/accounts/delete/*" \
    --flush-session --store-session "$work/wapiti-$name" --store-config "$work/wapiti-config" \
    --max-scan-time 1800 --max-attack-time 90 --tasks 4 --timeout 10 --no-bugreport --verbose 0 \
    --format json --output "$results/$name.json" "$@" >"$results/$name.log" 2>&1 || {
      echo "wapiti failed ($name): see $results/$name.log" >&2
      exit 1
    }
}
scan logged-in --form-url "$site/accounts/login/" --form-user demo --form-password demo-password-2026
scan anonymous

.venv/bin/python - "$results" <<'PY'
import json
import re
import sys
from pathlib import Path

results = Path(sys.argv[1])
problems = []
for name in ("logged-in", "anonymous"):
    report = json.loads((results / f"{name}.json").read_text())
    found = [
        (category, finding)
        for section in ("vulnerabilities", "anomalies")
        for category, findings in report.get(section, {}).items()
        for finding in findings
    ]
    crawled = report.get("infos", {}).get("crawled_pages_nbr", "?")
    print(f"{name}: {crawled} pages crawled, {len(found)} findings")
    for category, finding in found:
        level = finding.get("level", 0)
        line = f"  [{level}] {category}: {finding.get('method')} {finding.get('path')} {finding.get('info', '')}"
        print(line)
        # Levels: 1 low, 2 medium, 3 high (4 critical). Anomalies are errors provoked.
        if level >= 2 or category in report.get("anomalies", {}):
            problems.append(f"{name}: {line.strip()}")
errors = [line for line in (results / "server.log").read_text().splitlines() if re.search(r'HTTP/1\.[01]" 5\d\d ', line)]
problems += [f"server: {line}" for line in errors]
if problems:
    print("FAILED:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("passed: no medium or high finding, no anomaly, no 5xx in the server log")
PY
