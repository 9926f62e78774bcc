#!/usr/bin/env bash
# HTTP benchmarks of the city-scale harness: gunicorn + PostgreSQL on this machine, Locust headless.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench bench/seed.sh 0.01   # once
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench bench/run_http.sh [SCENARIO ...]
# Env: PORT (8765), DURATION (15s per run; statistics restart once every user has logged in), USERS ("1 16"), WORKERS (gunicorn sync workers, 4),
# BENCH_THINK ("" = no think time, a closed loop that saturates the machine; "1,3" = 1-3 s between a user's requests).
# Writes bench/results/http-<UTC time>.md (p50/p95/p99, requests/s, ratio to the floor) and the
# raw Locust CSVs next to it. The floor is /healthz (see bench/locustfile.py).
# The public tracking page's per-IP limit (10 tries per 10 minutes) would refuse Locust, which
# calls from one address: the server runs with CACHE_URL=dummycache://, so the limiter never counts.
# The scenarios that write (submit, decide) change the data: re-seed for comparable runs.
# ExchangePull pulls with the credential bench/seed.sh wrote to var/bench-exchange-token (the
# exchange API's per-client limit does not count either); rows named "(N records)" get records/s.
# ExchangePage and ExchangeExport (each half of ExchangePull alone) run only when named.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8765}
DURATION=${DURATION:-15s}
USERS=${USERS:-"1 16"}
WORKERS=${WORKERS:-4}
SCENARIOS=("$@")
if [ ${#SCENARIOS[@]} -eq 0 ]; then
  SCENARIOS=(Floor OfficialInbox ApplicantPages PublicTracking SupervisionDashboard OrgTree CatalogueSearch
             PppProject ExchangePull DecideTask SubmitApplication)
fi
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/$STAMP
mkdir -p "$OUT" var
export DJANGO_SETTINGS_MODULE=portal.settings BENCH_TARGETS="$OUT/targets.json"
.venv/bin/python bench/http_targets.py > "$BENCH_TARGETS"

# Two-factor enforcement off, as in `make demo`: the benchmark officials (a supervisor among them)
# have no TOTP device, and the pages are measured, not the two-factor step (locustfile: any answer
# but 200 to a page is a failure).
DEBUG=0 CACHE_URL=dummycache:// TWO_FACTOR_REQUIRED=false .venv/bin/gunicorn portal.wsgi:application --bind "127.0.0.1:$PORT" \
  --workers "$WORKERS" --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# Warm-up, not recorded: every worker loads its templates and connections before anything is timed.
for scenario in "${SCENARIOS[@]}"; do
  [ "$scenario" = DecideTask ] || [ "$scenario" = SubmitApplication ] && continue
  .venv/bin/locust -f bench/locustfile.py --headless --only-summary -u 8 -r 8 -t 2s \
    --host "http://127.0.0.1:$PORT" "$scenario" >/dev/null 2>&1 || true
done

for users in $USERS; do
  for scenario in "${SCENARIOS[@]}"; do
    echo "== $scenario, $users users, $DURATION" >&2
    # Fresh ids for every run: the writing scenarios must not pick tasks decided by an earlier run.
    .venv/bin/python bench/http_targets.py > "$BENCH_TARGETS"
    .venv/bin/locust -f bench/locustfile.py --headless --only-summary -u "$users" -r "$users" -t "$DURATION" \
      --host "http://127.0.0.1:$PORT" --csv "$OUT/$scenario-u$users" "$scenario" >/dev/null 2>>"$OUT/locust.log" || true
  done
done

.venv/bin/python - "$OUT" "$STAMP" "$DURATION" "$WORKERS" "${BENCH_THINK:-}" > "bench/results/http-$STAMP.md" <<'PY'
import csv, pathlib, re, sys
out, stamp, duration, workers, think = pathlib.Path(sys.argv[1]), *sys.argv[2:]
rows, floor = [], {}
for path in sorted(out.glob("*-u*_stats.csv")):
    scenario, users = path.name[: -len("_stats.csv")].rsplit("-u", 1)
    for r in csv.DictReader(path.open()):
        if r["Name"] == "Aggregated" or r["Name"].startswith("("):
            continue
        rps = float(r["Requests/s"])
        rows.append((int(users), r["Name"], int(r["Request Count"]), int(r["Failure Count"]),
                     r["50%"], r["95%"], r["99%"], rps))
        if r["Name"].startswith("floor"):
            floor[int(users)] = rps
pause = f"think time {think.replace(',', '-')} s between a user's requests" if think else "no think time"
print(f"# HTTP benchmark {stamp}\n\ngunicorn {workers} sync workers, {duration} per run, DEBUG off, {pause}.\n")
print("| users | scenario | requests | failures | p50 ms | p95 ms | p99 ms | req/s | ratio to floor | records/s |")
print("|---|---|---|---|---|---|---|---|---|---|")
for users, name, n, fails, p50, p95, p99, rps in sorted(rows):
    ratio = f"{rps / floor[users]:.2f}" if floor.get(users) else "-"
    counted = re.search(r"\((\d+) records\)", name)  # the exchange pull names its record count
    records = f"{int(counted[1]) * rps:,.0f}" if counted else "-"
    print(f"| {users} | {name} | {n} | {fails} | {p50} | {p95} | {p99} | {rps:.1f} | {ratio} | {records} |")
PY
rm -f "$OUT"/*_stats_history.csv  # per-second history: large, not needed for the table
cat "bench/results/http-$STAMP.md"
