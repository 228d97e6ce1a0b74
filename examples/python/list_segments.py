"""List every segment of a tenant, 100 per request.

Environment: AMPERITY_TENANT, AMPERITY_TOKEN and optionally AMPERITY_BASE_URL (for example the
bundled mock server: http://127.0.0.1:PORT/api).
"""

import os
import sys

import amperity


def main() -> int:
    client = amperity.Client(
        os.environ["AMPERITY_TENANT"],
        token=os.environ["AMPERITY_TOKEN"],
        base_url=os.environ.get("AMPERITY_BASE_URL"),
    )
    with client:
        count = 0
        for segment in client.segments.list(limit=100):
            count += 1
            if count <= 5:
                print(f"{segment.id}  {segment.name}  ({segment.status or 'no status'})")
        print(f"{count} segments")
    return 0 if count else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except amperity.AmperityError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
