"""A stand-in for the VIES REST API on 127.0.0.1 (tests never call the internet).

It follows ``POST /check-vat-number`` with ``{"countryCode", "vatNumber"}`` and
answers like the Commission's service: known numbers are valid with a name and
address, "0202239951" says the member state is unavailable, anything else is invalid.
"""
from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KNOWN = {("BE", "0403170701"): ("SRL MAISON DUPONT", "Rue de Fer 12\n5000 Namur"),
         ("FR", "40303265045"): ("SA DUPONT", "---")}


class _Handler(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append((self.path, body))
        if self.path != "/vies/check-vat-number":
            self.send_response(404)
            self.end_headers()
            return
        key = (body["countryCode"], body["vatNumber"])
        answer = {"countryCode": key[0], "vatNumber": key[1], "requestDate": "2026-03-02T10:00:00.000Z",
                  "valid": key in KNOWN, "requestIdentifier": "", "name": "---", "address": "---",
                  "userError": "VALID" if key in KNOWN else "INVALID"}
        if key in KNOWN:
            answer["name"], answer["address"] = KNOWN[key]
        if key[1] == "0202239951":
            answer.update(valid=False, userError="MS_UNAVAILABLE")
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def vies_server():
    """Yield (base_url, seen requests) of a stand-in VIES on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/vies", server.seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def silent_server():
    """A loopback port that accepts connections and never answers (the timeout case)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/vies"
    finally:
        sock.close()


def unreachable_url() -> str:
    """A loopback port nobody listens on (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/vies"
