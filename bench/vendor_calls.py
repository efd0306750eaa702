"""The vendor API calls a piece of sync work makes, counted from the in-process simulators'
request logs. The simulators' own control paths (/_sim...) are the harness's, not the service's."""

from __future__ import annotations

from typing import Any

from local.simulators.base import SimulatorApp


def clear_logs(*apps: SimulatorApp) -> None:
    for app in apps:
        app.request_log.clear()


def vendor_calls(*apps: SimulatorApp) -> int:
    return sum(
        1 for app in apps for entry in app.request_log if not str(entry.get("path", "")).startswith("/_sim")
    )


def cycle_then_idle(engine: Any, task: Any, *apps: SimulatorApp) -> tuple[dict[str, Any], int, int]:
    """The tenant's scheduled cycle that syncs what was set up, then the cycle after it (nothing
    changed): the first cycle's stream runs by stream name, its calls, and the idle cycle's calls."""
    clear_logs(*apps)
    runs = {run.stream: run for run in engine.run_tenant(task)}
    calls = vendor_calls(*apps)
    clear_logs(*apps)
    engine.run_tenant(task)
    return runs, calls, vendor_calls(*apps)
