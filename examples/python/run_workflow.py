"""Start a workflow run and wait for it to finish.

Usage: python run_workflow.py [CONFIG_ID]   (default cg-example)

Environment: as list_segments.py (``Client.from_env``).
"""

import sys

import amperity


def main(config_id: str) -> int:
    with amperity.Client.from_env() as client:
        run = client.workflow_runs.run(config_id)
        print(f"started {run.id} ({run.workflow_type}), state {run.state}")
        try:
            done = client.workflow_runs.wait(run.id, poll_interval=0.5, timeout=600)
        except amperity.WaitTimeoutError as error:
            print(f"still {error.last_state} after {error.waited:.0f} s; stopping it")
            client.workflow_runs.stop(run.id)
            return 1
        took = (done.ended_at - done.created_at).total_seconds() if done.ended_at else 0.0
        print(f"{done.id} ended {done.state} after {took:.1f} s")
        for task in done.task_instances:
            print(f"  task {task.label or task.id}: {task.state}")
        if done.error is not None:
            print(f"  error ({done.error.attribution}): {done.error.message}")
        return 0 if done.state == amperity.RunState.SUCCEEDED else 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "cg-example"))
    except amperity.AmperityError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
