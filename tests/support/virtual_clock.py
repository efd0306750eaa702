"""Time for API clients under test: a sleep moves the simulators' clocks forward (their rate-limit
windows included) instead of waiting, so backoff and budget waits cost no wall time."""

from __future__ import annotations

import datetime as dt
import threading

from local.simulators.base import SimulatorApp


class VirtualClock:
    """The simulators' shared time; a lock because worker threads of the local stack sleep too."""

    def __init__(self, *apps: SimulatorApp) -> None:
        self.apps = apps
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            for app in self.apps:
                app.clock_offset += dt.timedelta(seconds=max(0.0, seconds))

    def monotonic(self) -> float:
        return self.apps[0].now().timestamp()

    def now(self) -> dt.datetime:
        return self.apps[0].now()
