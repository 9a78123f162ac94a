#!/usr/bin/env bash
# The load bench (issue 14, finding 3): gunicorn with WEB_CONCURRENCY sync workers, a real Celery
# worker recomputing the ranking, Postgres and Redis on loopback, at the design's scale (100,000
# people, 50,000 ideas, 1,000,000 ratings), loaded by locust headless in a process of its own.
#
# Each scenario (bench/load/locustfile.py) runs for SECONDS_EACH seconds at USERS connections,
# each request sent as soon as the last was answered; the ceiling (a trivial view on the same
# server, through the same middleware) runs first and last, and the table gives each scenario's
# requests a second as a share of their mean.
#
#   createdb -h 127.0.0.1 -U postgres bench_load     # once; the data is generated on first use
#   bench/load/run.sh                                # every scenario
#   bench/load/run.sh ceiling anonymous ceiling      # some
#
# Environment: DATABASE_URL (postgres://postgres@127.0.0.1:5432/bench_load), REDIS_URL
# (redis://127.0.0.1:6379/11: a Redis database of its own, emptied first), WEB_CONCURRENCY (4),
# USERS (16), SECONDS_EACH (60), WARMUP_SECONDS (15), SCALE (1: the size of the data when it is
# generated, e.g. 0.01 for a quick try in another database), PYTHON (.venv/bin/python), OUT (a new
# directory under /tmp: the locust CSV files, the worker's and gunicorn's logs).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
LOCUST=${LOCUST:-$(dirname "$PYTHON")/locust}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_load}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/11}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-4}
USERS=${USERS:-16}
SECONDS_EACH=${SECONDS_EACH:-60}
WARMUP_SECONDS=${WARMUP_SECONDS:-15}
OUT=${OUT:-$(mktemp -d /tmp/bench-load.XXXXXX)}
mkdir -p "$OUT"
if [ $# -gt 0 ]; then
    SCENARIOS=("$@")
else
    SCENARIOS=(ceiling anonymous anonymous_uncached conversation idea api search rate comment mixed ceiling_end)
fi

# Production settings (DEBUG off, Redis as cache, session cache and broker), with the test
# suite's plain static files (no collectstatic) and no HTTPS redirect on loopback, as
# bench/live.py runs them; write budgets no run reaches (every request comes from 127.0.0.1).
export DEBUG=false VOCALEYES_TESTING=1 LOG_LEVEL=WARNING
export SECRET_KEY=${SECRET_KEY:-$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(60))')}
export ALLOWED_HOSTS=127.0.0.1,localhost,testserver
BUDGETS="idea=1000000/h,comment=1000000/h,rating=1000000/h"
export VOCALEYES_RATE_LIMITS=$BUDGETS VOCALEYES_RATE_LIMITS_PER_IP=$BUDGETS
export PYTHONPATH=$ROOT:$ROOT/bench/load

echo "Data (bench/ideas.py --only generate: made on first use, about a minute)..."
"$PYTHON" bench/ideas.py --only generate --scale "${SCALE:-1}" | grep -E "^(Data|  )" || true
"$PYTHON" bench/load/prepare.py "$OUT/state.json"

PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOST=http://127.0.0.1:$PORT
PIDS=()
stop() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT

DJANGO_SETTINGS_MODULE=load_settings "$PYTHON" -m gunicorn vocaleyes.wsgi:application \
    --bind "127.0.0.1:$PORT" --log-level warning > "$OUT/gunicorn.log" 2>&1 &
PIDS+=($!)
DJANGO_SETTINGS_MODULE=load_settings LOG_LEVEL=INFO "$PYTHON" -m celery -A vocaleyes worker \
    --loglevel=INFO --concurrency=2 --without-gossip --without-mingle \
    --hostname="bench-load-$$@%h" > "$OUT/worker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do
    if curl -fs "$HOST/healthz" > /dev/null && grep -q "ready" "$OUT/worker.log"; then break; fi
    sleep 0.2
done
curl -fs "$HOST/bench/ceiling/" > /dev/null || { cat "$OUT/gunicorn.log"; exit 1; }
echo "gunicorn: $WEB_CONCURRENCY workers on $HOST; Celery worker: 2 processes; logs in $OUT"

run() {  # scenario, seconds, csv prefix
    LOAD_STATE="$OUT/state.json" LOAD_SCENARIO="${1%_end}" "$LOCUST" -f bench/load/locustfile.py \
        --headless --only-summary -u "$USERS" -r "$USERS" -t "${2}s" --host "$HOST" \
        --csv "$3" > "$3.log" 2>&1 || true  # locust exits 1 when a request failed: the table says
}
recomputes() { grep -c "recompute_ranking.*succeeded" "$OUT/worker.log" || true; }

# Unmeasured: every gunicorn worker loads its code and compiles its queries, and every
# person's session reaches the cache, as on a server that has been up for a while.
run mixed "$WARMUP_SECONDS" "$OUT/warmup"
for scenario in "${SCENARIOS[@]}"; do
    before=$(recomputes)
    load=$(cut -d' ' -f1 /proc/loadavg)
    run "$scenario" "$SECONDS_EACH" "$OUT/$scenario"
    echo "$scenario: load average $load at the start; $(($(recomputes) - before)) ranking recomputes finished by the worker during it"
done
stop
trap - EXIT

"$PYTHON" bench/load/prepare.py "$OUT/state.json" --restore
echo
echo "$USERS connections, $SECONDS_EACH s a scenario, gunicorn $WEB_CONCURRENCY workers, $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
"$PYTHON" bench/load/report.py "$OUT" "${SCENARIOS[@]}"
