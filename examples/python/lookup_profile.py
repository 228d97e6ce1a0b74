"""Look up a customer profile by email through the Profile API.

Usage: lookup_profile.py [INDEX_ID] [EMAIL]

Environment (``Client.from_env``): AMPERITY_TENANT, AMPERITY_TOKEN (a Profile API Data Access
token) or client credentials, optionally AMPERITY_BASE_URL (for example the bundled mock server:
http://127.0.0.1:PORT/api). Without arguments it looks up ``a+b@x.com`` in the mock's customers
index.
"""

import sys
from typing import List

import amperity


def main(argv: List[str]) -> int:
    index_id = argv[1] if len(argv) > 1 else "idx-3kPq7Zt2c"
    email = argv[2] if len(argv) > 2 else "a+b@x.com"
    with amperity.Client.from_env() as client:
        index = client.indexes.get(index_id)
        print(f"index {index.id} ({index.name})")
        found = 0
        for profile in client.profiles.list(index_id, conditions={"email": email}):
            found += 1
            attributes = ", ".join(f"{k}={v!r}" for k, v in sorted(profile.attributes.items()))
            print(f"{profile.id}: {attributes}")
        if not found:
            print(f"no profile with email {email!r}")
    return 0 if found else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except amperity.AmperityError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
