"""List every segment of a tenant, 100 per request.

Environment (``Client.from_env``): AMPERITY_TENANT, AMPERITY_TOKEN or AMPERITY_CLIENT_ID +
AMPERITY_CLIENT_SECRET, optionally AMPERITY_TOKEN_URL, AMPERITY_REGION, AMPERITY_BASE_URL (for
example the bundled mock server: http://127.0.0.1:PORT/api) and AMPERITY_API_VERSION.
"""

import sys

import amperity


def main() -> int:
    client = amperity.Client.from_env()
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
