"""Load test of ``xlsheet serve`` on loopback (a figure, not a test; run: ``python benchmarks/serve_bench.py``).

``--clients`` (20) concurrent clients upload ``--count`` (1,000) different workbooks to ``POST /api/validate`` of a
real server started here (``xlsheet serve`` in a subprocess, its own temporary data directory), stopping early
after ``--max-seconds``.  Prints latency p50/p95/p99/max, throughput, submissions lost (answered 200 but not
stored, or not answered 200: must be 0), and the server's peak memory (RSS of the server and its workers).
Goal on a 2-core machine: validate p95 < 300 ms.  Exit 1 when something was lost or the goal was missed.

Every workbook is the demo workbook with a different agency name (its bytes, hence its sha256, differ), so the
store keeps 1,000 distinct files, as a real collection would.
"""
from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo_2024.xlsx"
AGENCY_NAME = "示例市示例区人民政府办公室"


def _xml_text(text: str) -> bytes:
    # how openpyxl writes non-ASCII text into sheet XML: numeric character references
    return "".join(c if c.isascii() else f"&#{ord(c)};" for c in text).encode("ascii")


AGENCY = _xml_text(AGENCY_NAME)


def workbooks(count: int):
    """``count`` distinct workbooks (bytes): the demo with agency ``…办公室第N号``, made by editing the package's
    XML in memory (milliseconds each, unlike a round trip through openpyxl)."""
    parts = {}
    with zipfile.ZipFile(DEMO) as zf:
        infos = zf.infolist()
        for info in infos:
            parts[info.filename] = zf.read(info)
    if not any(AGENCY in data for name, data in parts.items() if name.startswith("xl/worksheets/")):
        raise SystemExit(f"{DEMO.name} no longer names the agency this script renames; update AGENCY")
    for i in range(count):
        name = _xml_text(f"{AGENCY_NAME}第{i:04d}号")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in infos:
                data = parts[info.filename]
                if info.filename.startswith("xl/worksheets/"):
                    data = data.replace(AGENCY, name)
                out.writestr(info.filename, data)
        yield f"unit{i:04d}.xlsx", buf.getvalue()


def tree(root_pid: int) -> tuple[float, float, float]:
    """(resident memory in MB, CPU seconds used so far, of which by ``root_pid`` itself) of ``root_pid`` and all its
    descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    total, used, todo = 0, 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        used += cpu.get(pid, 0.0)
        todo += children.get(pid, [])
    return total / 1024 / 1024, used, cpu.get(root_pid, 0.0)


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with one ``file`` field, and its content type."""
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def rss_mb(root_pid: int) -> float:
    return tree(root_pid)[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2, help="the server's worker processes")
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--goal-ms", type=float, default=300)
    args = ap.parse_args(argv)

    import httpx

    data = Path(tempfile.mkdtemp(prefix="xlsheet-bench-"))
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "xlsheet", "serve", "--data", str(data), "--port", str(port),
                               "--workers", str(args.workers), "--quiet"], start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            print("server did not start", file=sys.stderr)
            return 2
        idle = rss_mb(server.pid)
        load = os.getloadavg()[0]
        jobs: queue.Queue = queue.Queue()
        made = time.perf_counter()
        for item in workbooks(args.count):
            jobs.put(item)
        made = time.perf_counter() - made
        with httpx.Client() as warm:  # first call pays the workers' imports; not part of the figures
            warm.post(f"{base}/api/validate", files={"file": ("warm.xlsx", DEMO.read_bytes())}, timeout=60)
        latencies: list[float] = []
        failures: list[str] = []
        peak = [rss_mb(server.pid)]
        lock = threading.Lock()
        stop = time.monotonic() + args.max_seconds
        done = threading.Event()

        def client():
            # http.client with request bodies encoded up front: the client must not eat the CPU it measures
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            while time.monotonic() < stop:
                try:
                    name, body = jobs.get_nowait()
                except queue.Empty:
                    break
                payload, ctype = multipart(name, body)
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/api/validate", body=payload, headers={"Content-Type": ctype})
                    r = conn.getresponse()
                    answer = r.read()
                    ok = r.status == 200 and json.loads(answer)["summary"]["errors"] == 0
                    why = f"{name}: HTTP {r.status}"
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    ok, why = False, f"{name}: {type(exc).__name__}"
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                dt = time.perf_counter() - t0
                with lock:
                    (latencies.append(dt) if ok else failures.append(why))
            conn.close()

        def sample():
            while not done.wait(0.5):
                peak.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, cpu0, own0 = tree(server.pid)
        t0 = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        _, cpu, own = tree(server.pid)
        cpu, own = cpu - cpu0, own - own0  # live workers only: a replaced worker's CPU time is not counted
        done.set()
        stored = httpx.get(f"{base}/healthz").json()["submissions"] - 1  # minus the warm-up
        files = sum(1 for _ in (data / "blobs").glob("*/*")) - 1  # distinct contents kept, minus the warm-up
        sent = len(latencies) + len(failures)
        lost = len(failures) + max(0, len(latencies) - stored)
        q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0] * 99
        print(f"xlsheet serve benchmark: {sent} uploads of {args.count} distinct workbooks, {args.clients} clients, "
              f"{args.workers} workers, {os.cpu_count()} CPUs ({made:.1f} s to make the workbooks)")
        print(f"  validate latency: p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
              f"p99 {q[98] * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms")
        print(f"  throughput: {sent / wall:.1f} uploads/s over {wall:.1f} s; server CPU "
              f"{cpu / max(sent, 1) * 1000:.1f} ms per upload (web process {own / max(sent, 1) * 1000:.1f} ms, "
              f"workers {(cpu - own) / max(sent, 1) * 1000:.1f} ms); load average before {load:.2f}, "
              f"after {os.getloadavg()[0]:.2f}")
        print(f"  stored: {stored} submissions, {files} distinct files; lost: {lost}"
              + (f" ({failures[:3]})" if failures else ""))
        print(f"  server memory (server + workers, RSS): idle {idle:.0f} MB, peak {max(peak):.0f} MB")
        goal = q[94] * 1000 < args.goal_ms
        print(f"  goal p95 < {args.goal_ms:.0f} ms: {'met' if goal else 'MISSED'}; nothing lost: "
              f"{'yes' if lost == 0 and sent == args.count else 'NO'}")
        return 0 if goal and lost == 0 and sent == args.count else 1
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
