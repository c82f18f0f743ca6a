"""The nightly backup: a small thread in the server process that backs up each company at its chosen time.

Once a minute it asks, for every company, whether a backup is due
(:func:`rules.is_due`: none attempted since the last scheduled moment) and runs
the due ones one after the other. A server that was off at 02:30 catches up
once when it starts. The clock and the backup function are injected, so a test
drives it with ``tick(now)`` and a fake clock, without waiting for the night.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Callable

from equisis.backup import history, rules, service

log = logging.getLogger("equisis.backup")


def _local_now() -> dt.datetime:
    return dt.datetime.now()


def _naive_local(iso: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(iso)
    return value.astimezone().replace(tzinfo=None) if value.tzinfo else value


class NightlyBackups:
    """``start()`` the thread, ``stop()`` it; ``tick(now)`` does one round (what the thread repeats)."""

    def __init__(self, instance, run_backup: Callable[[str], object], *,
                 clock: Callable[[], dt.datetime] = _local_now, interval_s: float = 60.0):
        self.instance = instance
        self.run_backup = run_backup
        self.clock = clock
        self.interval_s = interval_s
        self.started_at = clock()
        self._last: dict[str, dt.datetime] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _daily_time(self, slug: str) -> dt.time:
        return service.settings(self.instance.get(slug)).daily_time

    def _last_attempt(self, slug: str) -> dt.datetime:
        """The last nightly attempt: remembered, else the history's (catch up a missed night), else the start.

        A company never backed up at night waits for its first scheduled time
        rather than being backed up the moment the server starts.
        """
        if slug not in self._last:
            nightly = [_naive_local(r.started_at) for r in history.runs(self.instance.root, slug)
                       if r.trigger == "nightly" and r.started_at]
            self._last[slug] = max(nightly) if nightly else self.started_at
        return self._last[slug]

    def tick(self, now: dt.datetime | None = None) -> list[str]:
        """Run every due backup now; returns the slugs backed up (or attempted)."""
        now = now or self.clock()
        done = []
        for slug in self.instance.slugs():
            try:
                if not rules.is_due(now, self._daily_time(slug), self._last_attempt(slug)):
                    continue
            except Exception:  # noqa: BLE001 - one company's trouble must not stop the others' backups
                log.exception("nightly backup: cannot read the settings of %s", slug)
                continue
            self._last[slug] = now
            done.append(slug)
            try:
                self.run_backup(slug)
            except Exception:  # noqa: BLE001 - recorded in the history by the backup itself
                log.exception("nightly backup of %s failed", slug)
            if self._stop.is_set():
                break
        return done

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the thread must survive a bad round
                log.exception("nightly backup round failed")
            self._stop.wait(self.interval_s)

    def start(self) -> "NightlyBackups":
        self._thread = threading.Thread(target=self._loop, name="equisis-nightly-backup", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop; a backup in progress finishes first (up to ``timeout`` is waited for)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
