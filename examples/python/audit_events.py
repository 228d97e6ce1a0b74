"""Print the audit events of the last day, grouped by event type.

Environment: as list_segments.py (``Client.from_env``).
"""

import collections
import datetime as dt
import sys

import amperity


def main() -> int:
    end = dt.datetime.now(dt.timezone.utc)
    start = end - dt.timedelta(days=1)
    with amperity.Client.from_env() as client:
        by_type: "collections.Counter[str]" = collections.Counter()
        latest = None
        for event in client.audit_events.list(limit=500, happened_from=start, happened_to=end):
            by_type[event.event_type] += 1
            if latest is None or event.happened_at > latest.happened_at:
                latest = event
    print(f"audit events from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC")
    for event_type, count in by_type.most_common():
        print(f"{count:6d}  {event_type}")
    if latest is not None:
        who = latest.principal_name or latest.principal_id or "unknown"
        print(f"latest: {latest.event_type} by {who} at {latest.happened_at.isoformat()}")
    return 0 if by_type else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except amperity.AmperityError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
