#!/usr/bin/env python3
"""bench/serve_hostile.py: how long `cairn serve` takes to answer a probe
(a fresh connection's GET of /, read to the end) while hostile clients hold
connections: slow readers of a 16 MB file, stalled uploads, idle connections,
slowloris heads, and a flood past the 512-connection limit. The tests in
tests/it/serve_hostile.rs assert that the probes are answered; this prints
how fast.

Usage: python3 bench/serve_hostile.py        (from anywhere)
Knobs: CAIRN=path (default target/release/cairn; build it first)
       PROBES=20  SITE=path (default tests/fixtures/base, copied)
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAIRN = os.environ.get("CAIRN", os.path.join(ROOT, "target/release/cairn"))
PROBES = int(os.environ.get("PROBES", "20"))
SITE = os.environ.get("SITE", os.path.join(ROOT, "tests/fixtures/base"))


def start(site):
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.Popen(
        [CAIRN, "serve", site, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    for line in proc.stdout:
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if m:
            return proc, int(m.group(1))
    sys.exit("serve_hostile.py: cairn serve printed no URL")


def connect(port):
    return socket.create_connection(("127.0.0.1", port))


def probe_ms(port):
    t0 = time.perf_counter()
    s = connect(port)
    s.settimeout(60)
    s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 200"), data[:80]
    return (time.perf_counter() - t0) * 1000


def measure(label, port):
    times = [probe_ms(port) for _ in range(PROBES)]
    print(f"| {label} | {statistics.median(times):.1f} | {max(times):.1f} |")


def main():
    if not os.path.exists(CAIRN):
        sys.exit(f"serve_hostile.py: no {CAIRN} (cargo build --release)")
    with tempfile.TemporaryDirectory() as tmp:
        site = os.path.join(tmp, "site")
        shutil.copytree(SITE, site, symlinks=True)
        os.makedirs(os.path.join(site, "static"), exist_ok=True)
        with open(os.path.join(site, "static/big.bin"), "wb") as f:
            f.write(bytes(16 * 1024 * 1024))
        proc, port = start(site)
        held = []
        try:
            print("| clients held open | probe median (ms) | probe max (ms) |")
            print("|---|---:|---:|")
            measure("none", port)
            for _ in range(8):
                s = connect(port)
                s.sendall(f"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                held.append(s)
            for _ in range(8):
                s = connect(port)
                s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 104857600\r\n\r\nabc")
                held.append(s)
            held += [connect(port) for _ in range(200)]
            time.sleep(0.2)
            measure("8 slow readers, 8 stalled uploads, 200 idle", port)
            for _ in range(250):
                s = connect(port)
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: ")
                held.append(s)
            time.sleep(0.2)
            measure("the same and 250 slowloris heads (466)", port)
            held += [connect(port) for _ in range(150)]
            time.sleep(0.2)
            measure("past the limit of 512 (616 opened)", port)
        finally:
            for s in held:
                s.close()
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
