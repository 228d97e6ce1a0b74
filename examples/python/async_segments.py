"""The async client: walk every segment, fetch a few workflow runs at once, and give up on a slow
call with ``asyncio.wait_for`` (which cancels that one native call, not the others).

Environment (``AsyncClient.from_env``): AMPERITY_TENANT, AMPERITY_TOKEN or AMPERITY_CLIENT_ID +
AMPERITY_CLIENT_SECRET, optionally AMPERITY_BASE_URL (for example the bundled mock server:
http://127.0.0.1:PORT/api) and the other variables of ``Client.from_env``.

Note the two cancellation exceptions: cancelling a task (a timeout here) raises the event loop's
``asyncio.CancelledError`` / ``TimeoutError``; ``amperity.CancelledError`` comes only from
``client.cancel()``, which ends every call of the client.
"""

import asyncio
import sys

import amperity


async def main() -> int:
    async with amperity.AsyncClient.from_env(max_workers=8) as client:
        count = 0
        async for segment in client.segments.list(limit=100, read_ahead=True):
            count += 1
            if count <= 3:
                print(f"{segment.id}  {segment.name}")
        print(f"{count} segments")

        page = await client.workflow_runs.list(limit=5).next_page()
        runs = page.items if page is not None else []
        # Several calls in flight at once, each on the client's pool.
        fetched = await asyncio.gather(*(client.workflow_runs.get(run.id) for run in runs))
        for run in fetched:
            print(f"{run.id}  {run.state}")

        try:
            await asyncio.wait_for(client.segments.list(limit=1).next_page(), timeout=30)
        except asyncio.TimeoutError:
            print("gave up on a slow page (the native call was cancelled with the task)")
    return 0 if count else 1


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except amperity.AmperityError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
