"""The nightly backup thread, driven by an injected clock."""
from __future__ import annotations

import datetime as dt
import threading

from equisis.backup import history, service
from equisis.backup.scheduler import NightlyBackups
from tests.factories import make_company

D = dt.datetime


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_the_nightly_backup_runs_once_a_night_at_the_chosen_time(instance, shop):
    done = []
    clock = Clock(D(2026, 3, 13, 18, 0))
    nightly = NightlyBackups(instance, done.append, clock=clock)
    assert nightly.tick(D(2026, 3, 14, 2, 29)) == []
    assert nightly.tick(D(2026, 3, 14, 2, 30)) == [shop.slug]
    assert nightly.tick(D(2026, 3, 14, 2, 31)) == []
    assert nightly.tick(D(2026, 3, 14, 23, 59)) == []
    assert nightly.tick(D(2026, 3, 15, 2, 30, 30)) == [shop.slug]
    assert done == [shop.slug, shop.slug]


def test_each_company_has_its_own_time_and_a_failure_does_not_stop_the_others(instance, shop):
    other = make_company(instance, slug="early-shop")
    with instance.get(other).session():
        service.save_settings({"backup.daily_time": "01:00", "backup.keep_daily": "7", "backup.keep_monthly": "12"})
    calls = []

    def run(slug):
        calls.append(slug)
        raise RuntimeError("disk on fire")

    nightly = NightlyBackups(instance, run, clock=Clock(D(2026, 3, 13, 12, 0)))
    assert nightly.tick(D(2026, 3, 14, 1, 0)) == [other]
    assert nightly.tick(D(2026, 3, 14, 2, 30)) == [shop.slug]
    assert calls == [other, shop.slug]


def test_a_night_missed_while_the_server_was_off_is_caught_up_once(instance, shop):
    history.started(instance.root, shop.slug, "old", started_at="2026-03-12T02:30:00", trigger="nightly",
                    destination="x")
    done = []
    nightly = NightlyBackups(instance, done.append, clock=Clock(D(2026, 3, 14, 8, 0)))
    assert nightly.tick() == [shop.slug]
    assert nightly.tick(D(2026, 3, 14, 9, 0)) == []


def test_a_new_server_waits_for_the_first_night(instance, shop):
    nightly = NightlyBackups(instance, lambda slug: None, clock=Clock(D(2026, 3, 14, 8, 0)))
    assert nightly.tick() == []
    assert nightly.tick(D(2026, 3, 15, 2, 30)) == [shop.slug]


def test_the_thread_backs_up_for_real_and_stops(instance, shop):
    clock = Clock(D(2026, 3, 13, 23, 0))
    finished = threading.Event()

    def run(slug):
        result = service.back_up(instance.get(slug), checks=lambda store: [], trigger="nightly")
        finished.set()
        return result

    nightly = NightlyBackups(instance, run, clock=clock, interval_s=0.01).start()
    try:
        clock.now = D(2026, 3, 14, 2, 30)
        assert finished.wait(30)
    finally:
        nightly.stop()
    assert not nightly._thread.is_alive()
    [run_] = history.runs(instance.root, shop.slug)
    assert (run_.trigger, run_.status) == ("nightly", "ok")
