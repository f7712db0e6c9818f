#!/usr/bin/env bash
# Mutation testing of the matcher and attribution with cosmic-ray (docs/testing.md).
#
#   scripts/mutation.sh [MODULE...]
#
# MODULE defaults to the module-path of scripts/mutation.toml (src/tagsig/_signatures/match.py and
# src/tagsig/_audit/attribute.py). Every mutant that the tests of test-command do not kill is
# listed at the end; the exit status is 1 when any survived. The session database is kept
# in $MUTATION_OUT (default: a new temporary folder) for `cr-report` and `cr-html`.
# MUTATION_LINES=FILE:FIRST-LAST keeps the mutants of those lines only (a quick run), and
# MUTATION_TESTS replaces the test files of test-command.
# Needs cosmic-ray: pip install -e '.[mutation]'.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$repo/.venv/bin/python}
bin=$(dirname "$python")
out=${MUTATION_OUT:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# cosmic-ray writes mutants into the files: work on a copy of the checkout, and import
# tagsig from the copy's src/ rather than from wherever the environment installed it.
git -C "$repo" ls-files -z --cached --others --exclude-standard \
    | tar -C "$repo" --null -T - -cf - | tar -C "$work" -xf -
config="$work/scripts/mutation.toml"
if [ "$#" -gt 0 ]; then
    modules=$(printf '"%s", ' "$@")
    sed -i "s|^module-path = .*|module-path = [${modules%, }]|" "$config"
fi
if [ -n "${MUTATION_TESTS:-}" ]; then
    sed -i "s|tests/test_match.py.*\"\$|${MUTATION_TESTS}\"|" "$config"
fi
cd "$work"
export PATH="$bin:$PATH" PYTHONPATH="$work/src" PYTHONDONTWRITEBYTECODE=1
session="$out/session.sqlite"
rm -f "$session"
"$bin/cosmic-ray" init "$config" "$session"
"$bin/cr-filter-operators" "$session" "$config"
if [ -n "${MUTATION_LINES:-}" ]; then
    "$python" - "$session" "$MUTATION_LINES" <<'PY'
import sys
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult

path, lines = sys.argv[2].rsplit(":", 1)
first, last = (int(n) for n in lines.split("-"))
with use_db(sys.argv[1], WorkDB.Mode.open) as db:
    for item in list(db.pending_work_items):
        if not any(str(m.module_path) == path and first <= m.start_pos[0] <= last
                   for m in item.mutations):
            db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
PY
fi
"$bin/cosmic-ray" baseline "$config"
"$bin/cosmic-ray" exec "$config" "$session"
"$bin/cr-report" "$session" > "$out/report.txt"
tail -n 3 "$out/report.txt"
# Survivors: mutants whose test run passed.
"$bin/cosmic-ray" dump "$session" | "$python" -c '
import json, sys
survivors = 0
for line in sys.stdin:
    job, result = json.loads(line)
    if result and result.get("test_outcome") == "survived":
        survivors += 1
        for m in job["mutations"]:
            where = (m["module_path"], m["start_pos"][0], m["operator_name"], m["occurrence"])
            print("survived: %s:%s %s #%s" % where)
sys.exit(1 if survivors else 0)
'
