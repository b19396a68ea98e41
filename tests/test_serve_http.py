"""``xlsheet serve`` as a real server on 127.0.0.1 (started through the CLI in a subprocess): concurrent and hostile
uploads over HTTP leave it healthy with nothing lost, and a ``kill -9`` loses no committed submission."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

httpx = pytest.importorskip("httpx", reason="需要 serve/test 扩展：pip install -e .[test]")
pytest.importorskip("uvicorn", reason="需要 serve 扩展：pip install -e .[serve]")

from tests.serve_helpers import DEMO, csrf_of, free_port, variant, zip_bomb  # noqa: E402


def start(data, port) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "xlsheet", "serve", "--data", str(data), "--port", str(port),
                             "--quiet", "--max-upload-mb", "5"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode("utf-8", "replace"))
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start")


def stop(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # any worker left behind
    except ProcessLookupError:
        pass


@pytest.fixture
def server(tmp_path):
    port = free_port()
    proc = start(tmp_path / "data", port)
    yield f"http://127.0.0.1:{port}", proc, tmp_path / "data", port
    stop(proc)


def test_concurrent_and_hostile_uploads_over_http(server, tmp_path):
    base, proc, data, _ = server
    books = [variant(tmp_path / f"u{i}.xlsx", f"并发测试第{i}局") for i in range(12)]
    bomb = zip_bomb(tmp_path / "bomb.xlsx")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(os.urandom(4096))
    files = books + [bomb, junk]

    def post(path):
        with httpx.Client(timeout=60) as c:
            return path, c.post(f"{base}/api/validate", files={"file": (path.name, path.read_bytes())})

    with ThreadPoolExecutor(8) as pool:
        answers = dict(pool.map(post, files))
    for book in books:
        r = answers[book]
        assert r.status_code == 200 and r.json()["summary"]["errors"] == 0 and r.json()["agency"].startswith("并发")
    assert answers[bomb].status_code == 422 and "压缩炸弹" in answers[bomb].json()["error"]
    assert answers[junk].status_code == 422
    big = httpx.post(f"{base}/api/validate", files={"file": ("big.xlsx", b"0" * (6 * 1024 * 1024))}, timeout=60)
    assert big.status_code == 413

    def chunks():  # no Content-Length: the limit must cut the stream itself
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="s.xlsx"\r\n\r\n'
        for _ in range(12):
            yield b"0" * (512 * 1024)
        yield b"\r\n--b--\r\n"

    streamed = httpx.post(f"{base}/api/validate", content=chunks(), timeout=60,
                          headers={"content-type": "multipart/form-data; boundary=b"})
    assert streamed.status_code == 413 and "不能超过 5 MB" in streamed.json()["error"]
    health = httpx.get(f"{base}/healthz").json()
    assert health["status"] == "ok" and health["submissions"] == len(files)  # nothing lost; 413 stores nothing
    assert proc.poll() is None


def test_kill_9_loses_nothing_committed(server, tmp_path):
    base, proc, data, port = server
    for i in range(5):
        path = variant(tmp_path / f"k{i}.xlsx", f"断电测试第{i}局")
        assert httpx.post(f"{base}/api/validate", files={"file": (path.name, path.read_bytes())},
                          timeout=60).status_code == 200
    os.killpg(proc.pid, signal.SIGKILL)  # the server and its worker processes, as systemd would
    proc.wait(10)
    con = sqlite3.connect(data / "xlsheet.sqlite3")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 5
    shas = [r[0] for r in con.execute("SELECT sha256 FROM submissions")]
    con.close()
    assert all(any((data / "blobs" / s[:2]).glob(f"{s}.*")) for s in shas)
    again = start(data, port)
    try:
        assert httpx.get(f"{base}/healthz").json()["submissions"] == 5
        r = httpx.post(f"{base}/api/validate", files={"file": ("demo.xlsx", DEMO.read_bytes())}, timeout=60)
        assert r.status_code == 200 and httpx.get(f"{base}/healthz").json()["submissions"] == 6
    finally:
        stop(again)


def test_report_as_html_and_pdf_over_http(server, tmp_path):
    """A clean workbook checked on the public page: its report also comes as one self-contained HTML page (no
    script, nothing fetched from elsewhere) and, with LibreOffice installed, as a PDF."""
    import re

    from xlsheet.serve.service import pdf_available
    from xlsheet.workbook.reader import read

    base = server[0]
    with httpx.Client(base_url=base, timeout=120, follow_redirects=True) as c:
        csrf = csrf_of(c.get("/").text)
        page = c.post("/check", data={"csrf": csrf}, files={"file": ("demo.xlsx", DEMO.read_bytes())})
        assert "校验通过" in page.text
        key = str(page.url).rstrip("/").rsplit("/", 1)[1]
        assert f'href="/s/{key}/html"' in page.text
        r = c.get(f"/s/{key}/html")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "attachment" in r.headers["content-disposition"]
        html = r.text
        assert html.lstrip().lower().startswith("<!doctype html") and read(DEMO).agency in html
        assert "<script" not in html.lower()
        refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", html, re.I)
        assert all(ref.startswith(("data:", "#")) for ref in refs), refs
        assert "url(http" not in html.replace(" ", "") and "@import" not in html
        assert c.get(f"/s/{key}/html").content == r.content  # kept once rendered
        if pdf_available():
            pdf = c.get(f"/s/{key}/pdf")
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            (tmp_path / "r.pdf").write_bytes(pdf.content)
            out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True)
            assert read(DEMO).agency in out.stdout.replace(" ", "")
        assert c.get(f"/s/{key}/exe").status_code == 404


def test_a_bad_or_busy_address_is_refused_in_chinese_before_anything_starts(tmp_path, capsys):
    """A port in use, out of range, a host that does not resolve: a Chinese error and exit 2, no traceback, no
    banner claiming the service runs (uvicorn said it in English and exited 3, or raised OverflowError)."""
    import socket

    from xlsheet.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cases = [(["--port", str(port)], f"端口 {port} 已被占用"), (["--port", "99999"], "端口 99999 无效"),
                 (["--host", "nosuchhost.invalid"], "无法解析主机名")]
        for extra, words in cases:
            assert main(["serve", "--data", str(tmp_path / "d"), *extra]) == 2
            err = capsys.readouterr().err
            assert words in err and "Traceback" not in err and "http://" not in err, err
