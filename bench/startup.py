"""Cold start of `equisis serve` to the first /health answer, and the idle server's resident memory."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    equisis = Path(sys.executable).with_name("equisis")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "EQUISIS_INSTANCE": tmp}
        subprocess.run([str(equisis), "demo"], env=env, check=True, capture_output=True)
        for attempt in range(3):
            port = free_port()
            started = time.perf_counter()
            proc = subprocess.Popen([str(equisis), "serve", "--port", str(port)], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                while True:
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as resp:
                            resp.read()
                        break
                    except OSError:
                        if time.perf_counter() - started > 30:
                            raise SystemExit("server did not answer within 30 s")
                        time.sleep(0.01)
                ready = time.perf_counter() - started
                for path in ("/c/demo/login", "/health", "/api/v1/openapi.json"):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
                        resp.read()
                time.sleep(2)
                print(f"run {attempt + 1}: cold start to first response {ready * 1000:.0f} ms; "
                      f"idle RSS after a few requests {rss_mb(proc.pid):.1f} MB")
            finally:
                proc.terminate()
                proc.wait(10)


if __name__ == "__main__":
    main()
