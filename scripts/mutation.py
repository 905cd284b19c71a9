"""Report of `make mutation`: the score per module and the mutants that survived.

Reads mutmut's results (in mutants/). Mutants listed in mutation-equivalents.txt change
nothing a user or a test could observe (each with the reason) and are left out of the
score. Exits 1 when fewer than TARGET of the mutants in the security modules are killed.
"""

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TARGET = 0.90
# Authentication, sessions, sudo mode, rate limits, drafts, permissions and redirects.
SECURITY_MODULES = {
    "accounts.backends",
    "accounts.models",
    # What was accounts.activity, accounts.middleware, accounts.session_store,
    # accounts.sudo and accounts.views before accounts/ was split by concern.
    "accounts.sessions.activity",
    "accounts.sessions.devices",
    "accounts.sessions.middleware",
    "accounts.sessions.store",
    "accounts.sessions.views",
    "accounts.settings_area.sections",
    "accounts.settings_area.sudo",
    "accounts.settings_area.views",
    "accounts.signin.password_reset",
    "accounts.signin.views",
    "articles.views",
    "core.decorators",
    "core.drafts",
    "core.middleware",
    "core.ratelimit",
    "core.redirects",
    "core.context_processors",
    "core.templatetags.drafts",
}
KILLED = {"killed", "timeout"}  # a mutant that hangs the tests is caught too


def results():
    output = subprocess.run(  # noqa: S603
        [str(BASE_DIR / ".venv/bin/mutmut"), "results", "--all", "true"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(re.findall(r"^\s+(\S+__mutmut_\d+): (.+)$", output, re.M))


def module_of(mutant):
    # accounts.sessions.activity.x_touch__mutmut_3, core.htmx.xǁClassǁmethod__mutmut_1
    return mutant.rsplit(".", 1)[0]


def equivalents():
    path = BASE_DIR / "mutation-equivalents.txt"
    names = {}
    for line in path.read_text().splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            names[name.strip()] = reason.strip()
    return names


def one_line_diff(mutant):
    shown = subprocess.run(  # noqa: S603
        [str(BASE_DIR / ".venv/bin/mutmut"), "show", mutant],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    changed = [line for line in shown.splitlines() if re.match(r"^[-+]\s", line)]
    return " / ".join(line.strip() for line in changed)[:160]


def main():
    statuses = results()
    equivalent = equivalents()
    counts = defaultdict(Counter)
    survivors = []
    for mutant, status in statuses.items():
        module = module_of(mutant)
        if mutant in equivalent:
            counts[module]["equivalent"] += 1
            continue
        counts[module]["total"] += 1
        if status in KILLED:
            counts[module]["killed"] += 1
        else:
            survivors.append((module, mutant, status))

    print(f"{'module':34} {'killed':>7} {'of':>4} {'score':>6} {'equiv.':>6}")
    for module in sorted(counts):
        c = counts[module]
        score = c["killed"] / c["total"] if c["total"] else 1.0
        mark = " *" if module in SECURITY_MODULES else ""
        print(f"{module + mark:34} {c['killed']:7} {c['total']:4} {score:6.0%} {c['equivalent']:6}")

    def score(modules):
        killed = sum(counts[m]["killed"] for m in modules)
        total = sum(counts[m]["total"] for m in modules)
        return killed, total, (killed / total if total else 1.0)

    everything = score(counts)
    security = score(SECURITY_MODULES & set(counts))
    print(f"\nall modules: {everything[0]} of {everything[1]} killed ({everything[2]:.1%})")
    print(f"security modules (*): {security[0]} of {security[1]} killed ({security[2]:.1%})")
    print(f"left out as equivalent: {len(equivalent)} (mutation-equivalents.txt)")

    print("\nSurviving mutants (`.venv/bin/mutmut show NAME` shows one in full):")
    security_first = sorted(survivors, key=lambda s: (s[0] not in SECURITY_MODULES, s))
    for _module, mutant, status in security_first:
        print(f"  {mutant} [{status}]: {one_line_diff(mutant)}")
    stale = sorted(set(equivalent) - set(statuses))
    if stale:
        print("\nListed as equivalent but no longer produced (remove them):")
        print("\n".join(f"  {name}" for name in stale))
    if security[2] < TARGET:
        print(f"\nFAILED: security modules below {TARGET:.0%}")
        sys.exit(1)


if __name__ == "__main__":
    main()
