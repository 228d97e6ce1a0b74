#!/usr/bin/env python3
"""Fails unless the mock counted exactly COUNT events, without duplicates, on a stream.

Usage: tests/mock-stream-count.py ORIGIN STREAM_ID COUNT   (ORIGIN: http://127.0.0.1:PORT)
Run by tests/kotlin.sh and tests/swift.sh after their stream-events example.
"""
import json
import sys
import urllib.parse
import urllib.request

origin, stream, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the mock is on loopback
with opener.open(f"{origin}/__mock/streams/{urllib.parse.quote(stream, safe='')}") as response:
    seen = json.load(response)
print(f"the mock counted {seen['accepted']} events on {stream} ({seen['duplicates']} duplicates)")
if seen["accepted"] != want or seen["duplicates"] != 0:
    sys.exit(f"expected {want} events and no duplicates on {stream}")
