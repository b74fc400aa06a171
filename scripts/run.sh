#!/usr/bin/env bash
# Starts the web server and one task worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG="${DEBUG:-true}"
PORT="${PORT:-8000}"
HOST="${HOST:-127.0.0.1}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:${PORT}}"
PY=.venv/bin/python

$PY manage.py migrate --noinput
echo "Starting web on http://${HOST}:${PORT}/ and one task worker (Ctrl-C stops both)"

$PY manage.py runserver "${HOST}:${PORT}" --noreload &
web=$!
$PY manage.py qcluster &
worker=$!

stop() {
    trap - INT TERM EXIT
    kill -TERM "$web" "$worker" 2>/dev/null || true
    wait "$web" "$worker" 2>/dev/null || true
}
trap stop INT TERM EXIT
# If either process dies, stop the other rather than run half a service.
wait -n "$web" "$worker"
