#!/usr/bin/env bash
# Seed the city-scale benchmark data set into the (scratch!) database DATABASE_URL names.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench bench/seed.sh 0.01
# Scale 1 = a city of a million people (1M applications); see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:?usage: bench/seed.sh SCALE [--no-progress]}"
shift || true
PY=${PYTHON:-.venv/bin/python}
"$PY" manage.py migrate -v0
start=$(date +%s.%N)
"$PY" manage.py seed_bench --scale "$SCALE" "$@"
"$PY" manage.py seed_bench_sharing --scale "$SCALE" "$@"
"$PY" manage.py seed_bench_ppp --scale "$SCALE" "$@"
# Planner statistics for the bulk-loaded tables now, as autovacuum would do later: without them
# PostgreSQL guesses ~100 rows per resource and sorts a whole resource for one exchange page.
"$PY" manage.py shell -v0 -c "from django.db import connection; connection.cursor().execute('ANALYZE')"
"$PY" manage.py audit_verify | tail -n 2
"$PY" manage.py accesslog_verify | tail -n 2
end=$(date +%s.%N)
printf 'seed at scale %s: %.1f s in all (verification included)\n' "$SCALE" "$(echo "$end - $start" | bc)"
