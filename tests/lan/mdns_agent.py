"""A small advertiser or browser run inside a network namespace by tests/lan/test_netns.py.

    python -m tests.lan.mdns_agent advertise --address 10.66.0.1 --name Equisis --id 3f9a --port 8080
    python -m tests.lan.mdns_agent advertise --auto --poll 0.3 ...      # follow the namespace's addresses
    python -m tests.lan.mdns_agent watch --address 10.66.0.2             # _equisis._tcp and _http._tcp

Each prints one JSON object a line (what it registered, what it saw) and stops on SIGTERM; the
advertiser withdraws its services first. Never run it outside a namespace: it sends multicast.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading

from equisis.lan import rules
from equisis.lan.mdns import LanAdvertiser, ServerWatch
from equisis.version import __version__


_output = threading.Lock()


def say(**event) -> None:
    with _output:  # two browser threads report at once: one whole line each
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


def advertise(args) -> None:
    advertiser = LanAdvertiser(port=args.port, server_id=args.id, version=__version__, name=args.name,
                               configured=() if args.auto else (args.address,), poll_s=args.poll)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    advertiser.start()
    shown = None
    try:
        while not stopping.wait(0.05):
            now = (advertiser.name, tuple(advertiser.addresses))
            if now != shown and now[0] is not None:
                say(event="registered", name=now[0], addresses=list(now[1]))
                shown = now
    finally:
        advertiser.stop()
        say(event="stopped")


def watch(args) -> None:
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())

    def changed(service_type):
        def report(event, name, server):
            say(event=event, type=service_type, name=name,
                server=dataclasses.asdict(server) if server else None)
        return report

    watches = [ServerWatch([args.address], changed(t), service_type=t)
               for t in (rules.SERVICE_TYPE, rules.HTTP_SERVICE_TYPE)]
    for w in watches:
        w.__enter__()
    say(event="watching")
    try:
        stopping.wait()
    finally:
        for w in watches:
            w.__exit__(None, None, None)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    adv = sub.add_parser("advertise")
    adv.add_argument("--address")
    adv.add_argument("--auto", action="store_true")
    adv.add_argument("--name", default="Equisis")
    adv.add_argument("--id", default="0123456789abcdef")
    adv.add_argument("--port", type=int, default=8080)
    adv.add_argument("--poll", type=float, default=10.0)
    wat = sub.add_parser("watch")
    wat.add_argument("--address", required=True)
    args = parser.parse_args(argv)
    (advertise if args.mode == "advertise" else watch)(args)


if __name__ == "__main__":
    main(sys.argv[1:])
