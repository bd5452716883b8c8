#!/usr/bin/env bash
# Migrate, seed once, then serve the web app and a worker until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PWD/.venv/bin:$PATH"
HOST=${LEORA_DEMO_HOST:-127.0.0.1}
PORT=${LEORA_DEMO_PORT:-8000}

# Say so before migrating and seeding, rather than failing after them.
if ! python -c 'import socket, sys; socket.create_server((sys.argv[1], int(sys.argv[2]))).close()' "$HOST" "$PORT" 2>/dev/null; then
  echo "Port $PORT on $HOST is already in use. Start the demo on another port:" >&2
  echo "  LEORA_DEMO_PORT=$((PORT + 1)) make demo" >&2
  exit 1
fi

leora migrate --no-input -v0
leora seed_demo --if-empty

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if leora help worker >/dev/null 2>&1; then
  leora worker --concurrency 2 &
  pids+=($!)
fi
leora runserver "$HOST:$PORT" --noreload &
pids+=($!)

sleep 2
cat <<BANNER

  Leora is running at http://$HOST:$PORT/

  Demo logins (password: leora-demo)
    admin@demo.example      admin
    manager@demo.example    manager
    rep1@demo.example       sales rep (rep2..rep4 too)
    admin@northwind.example admin of a second tenant

  Another port: LEORA_DEMO_PORT=8001 make demo  (address: LEORA_DEMO_HOST)
  Press Ctrl-C to stop.
BANNER
wait -n "${pids[@]}"
