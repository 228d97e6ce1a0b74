#!/usr/bin/env bash
set -euo pipefail
coproc MOCK { exec amperity-mock --port 0 --segments 250; }  # ends when this script does
read -r ORIGIN <&"${MOCK[0]}"                # first stdout line: http://127.0.0.1:PORT
export AMPERITY_BASE_URL="$ORIGIN/api" AMPERITY_TENANT=acme AMPERITY_TOKEN=mock-token
curl -fsS -o /dev/null --data 'path=/api/segments,status=503' "$ORIGIN/__mock/faults"  # queue one 503
./list_segments 100                          # your program or C test runner, unchanged
sent=$(curl -fsS "$ORIGIN/__mock/requests/count?method=GET&path=/api/segments")
[ "$sent" = '{"count":4}' ] || { echo "expected 3 pages + 1 retry: $sent" >&2; exit 1; }
