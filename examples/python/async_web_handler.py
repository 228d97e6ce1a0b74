"""A small async web handler that serves a page of segments, with no web framework: an asyncio
HTTP server answers ``GET /segments?cursor=...`` with one page of segments as JSON (the next
cursor included), calling the Amperity API through ``AsyncClient``. A client that hangs up while
its page is being fetched cancels the handler's task, and with it the native call.

Run it with ``--serve`` to keep serving on http://127.0.0.1:8080; without it, it serves on a free
port, fetches two pages from itself like a browser would, prints them and exits (what
tests/python.sh runs).

Environment: as ``AsyncClient.from_env`` (see async_segments.py).
"""

import asyncio
import json
import sys
import urllib.parse
from typing import Dict, List, Optional, Tuple

import amperity

PAGE_SIZE = 25


async def segments_page(client: amperity.AsyncClient, cursor: Optional[str]) -> Dict[str, object]:
    """The handler's work: one page of segments as a JSON-ready dict."""
    page = await client.segments.list(limit=PAGE_SIZE, cursor=cursor).next_page()
    if page is None:
        return {"segments": [], "next": None}
    return {
        "segments": [{"id": s.id, "name": s.name} for s in page.items],
        "next": page.next_token,
    }


async def handle(client: amperity.AsyncClient, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One HTTP/1.0-style exchange: ``GET /segments[?cursor=...]``."""
    try:
        request_line = (await reader.readline()).decode("latin-1").split()
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # headers are not needed here
        status, body = await route(client, request_line)
    except amperity.AmperityError as error:
        status, body = "502 Bad Gateway", {"error": str(error)}
    data = json.dumps(body).encode()
    writer.write(
        f"HTTP/1.0 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
        + data
    )
    await writer.drain()
    writer.close()


async def route(client: amperity.AsyncClient, request_line: List[str]) -> Tuple[str, Dict[str, object]]:
    if len(request_line) < 2 or request_line[0] != "GET":
        return "405 Method Not Allowed", {"error": "GET only"}
    url = urllib.parse.urlsplit(request_line[1])
    if url.path != "/segments":
        return "404 Not Found", {"error": "try /segments"}
    cursor = urllib.parse.parse_qs(url.query).get("cursor", [None])[0]
    return "200 OK", await segments_page(client, cursor)


async def fetch(port: int, path: str) -> Dict[str, object]:
    """What a browser would do: GET the path and decode the JSON answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.0 200"):
        raise RuntimeError(head.decode("latin-1"))
    answer: Dict[str, object] = json.loads(body)
    return answer


async def main(serve: bool) -> int:
    async with amperity.AsyncClient.from_env(max_workers=8) as client:
        server = await asyncio.start_server(
            lambda r, w: handle(client, r, w), "127.0.0.1", 8080 if serve else 0
        )
        port = server.sockets[0].getsockname()[1]
        async with server:
            if serve:
                print(f"serving http://127.0.0.1:{port}/segments")
                await server.serve_forever()
            first = await fetch(port, "/segments")
            cursor = first["next"]
            second = await fetch(port, f"/segments?cursor={urllib.parse.quote(str(cursor))}")
            for answer in (first, second):
                segments = answer["segments"]
                assert isinstance(segments, list)
                print(f"page of {len(segments)} segments, first {segments[0]['id'] if segments else '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main("--serve" in sys.argv[1:])))
