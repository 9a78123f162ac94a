#!/usr/bin/env bash
# Property-based fuzzing of the API against its own OpenAPI schema (issue 14 target: at least
# 2,000 generated cases over every operation, zero 5xx, zero schema violations), run on purpose:
#
#   bash bench/api/fuzz.sh [MAX_EXAMPLES_PER_OPERATION] [DATABASE_URL]
#
# It serves the app with gunicorn on 127.0.0.1:8765 over a throwaway database loaded with the
# demo data (SQLite unless DATABASE_URL is given), then runs schemathesis three times: as a
# resident with a personal API token, as an outsider (a new account that belongs nowhere) and
# anonymously. Rate limits are raised so that the fuzzer meets the API, not the limits (which
# have their own tests). Reports go to bench/api/reports/ (git-ignored); the summary is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
EXAMPLES="${1:-60}"
PORT=8765
WORK="$(mktemp -d)"
export LOG_LEVEL=WARNING DEBUG=false SECRET_KEY="fuzz-only-$(date +%s)-not-secret-vocaleyes-api-schema-run"
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false
export CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0 CELERY_TASK_ALWAYS_EAGER=true
export DATABASE_URL="${2:-sqlite:///$WORK/fuzz.sqlite3}"
export VOCALEYES_RATE_LIMITS="idea=100000/h,comment=100000/h,rating=100000/h,report=100000/h,pledge=100000/h,gift=100000/h,token=100000/h,ballot=100000/h"
export VOCALEYES_RATE_LIMITS_PER_IP="$VOCALEYES_RATE_LIMITS"
PY=.venv/bin/python

$PY manage.py collectstatic --no-input -v 0
$PY manage.py migrate --no-input -v 0
$PY manage.py load_demo > /dev/null
$PY manage.py load_demo_groups --base-url "http://127.0.0.1:$PORT" > /dev/null
for loader in load_demo_regions load_demo_credits load_demo_budget load_demo_action; do
  $PY manage.py "$loader" > /dev/null
done
$PY manage.py shell -c '
from vocaleyes.models import User
from vocaleyes import services
resident = User.objects.filter(is_staff=False, organisation_roles__isnull=True, deleted_at__isnull=True, suspended_at__isnull=True).exclude(display_name="").order_by("pk").first()
outsider = User.objects.create_user(email="outsider@example.org", password="fuzz-outsider-password-2026", display_name="Outsider")
print(services.api_token_create(user=resident, name="fuzz")[1], services.api_token_create(user=outsider, name="fuzz")[1], file=open("'"$WORK/tokens"'", "w"))
' > /dev/null
read -r RESIDENT OUTSIDER < "$WORK/tokens"

.venv/bin/gunicorn vocaleyes.wsgi -b "127.0.0.1:$PORT" -w 2 --log-level warning > "$WORK/gunicorn.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done

mkdir -p bench/api/reports
status=0
for who in resident outsider anonymous; do
  header=()
  case $who in
    resident) header=(-H "Authorization: Bearer $RESIDENT") ;;
    outsider) header=(-H "Authorization: Bearer $OUTSIDER") ;;
  esac
  echo "=== schemathesis as $who: up to $EXAMPLES examples per operation ==="
  .venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/schema/?format=json" \
    "${header[@]}" --checks all --max-examples "$EXAMPLES" --seed 2026 --workers 1 \
    --report junit --report-junit-path "bench/api/reports/$who.xml" \
    --request-timeout 30 --continue-on-failure || status=1
done
echo "=== server errors logged ==="
grep -c '"status": 5' "$WORK/gunicorn.log" || true
exit $status
