"""``xlsheet serve`` on PostgreSQL through the same code as SQLite: a throwaway server (Debian's postgresql
binaries: initdb + pg_ctl in a temporary folder, 127.0.0.1 on a free port) is started by the test.  Skipped, with
the reason, where PostgreSQL is not installed or cannot be started."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="需要 psycopg：pip install -e .[serve]")
pytest.importorskip("starlette", reason="需要 serve 扩展：pip install -e .[serve]")
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")  # Starlette nudging its TestClient to httpx2

from tests.serve_helpers import DEMO, csrf_of, free_port, variant  # noqa: E402


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or ([shutil.which(name)] if shutil.which(name)
                                                                      else [])
    return found[-1] if found else None


@pytest.fixture(scope="module")
def pg_url():
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("没有安装 PostgreSQL（initdb/pg_ctl）；tests/setup.sh 会用 apt 安装 postgresql")
    as_user: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root: run it as the postgres system user
        runuser = shutil.which("runuser")
        try:
            import pwd

            owner = pwd.getpwnam("postgres")
        except KeyError:
            owner = None
        if not runuser or owner is None:
            pytest.skip("以 root 运行但没有 postgres 系统用户或 runuser，无法启动 PostgreSQL")
        as_user = [runuser, "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="xlsheet-pg-"))
    data = root / "data"
    if as_user:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    port = free_port()
    try:
        subprocess.run(as_user + [initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                  "--locale=C"], check=True, capture_output=True, timeout=120)
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60", "-o",
                                  f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        log = (root / "log").read_text(errors="replace")[-800:] if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"无法启动临时 PostgreSQL：{exc} {getattr(exc, 'stderr', b'') or b''!r} {log}")
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE xlsheet")
    yield f"postgresql://postgres@127.0.0.1:{port}/xlsheet"
    subprocess.run(as_user + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, timeout=60)
    shutil.rmtree(root, ignore_errors=True)


def test_service_runs_on_postgresql(pg_url, tmp_path):
    from starlette.testclient import TestClient

    from xlsheet.serve.app import create_app
    from xlsheet.serve.security import hash_password
    from xlsheet.serve.service import Settings
    from xlsheet.serve.schema import SCHEMA_VERSION
    from xlsheet.serve.store import Store
    from xlsheet.workbook.reader import read

    app = create_app(Settings(data=tmp_path / "files", db=pg_url, workers=1))
    store = app.state.service.store
    assert store.engine.dialect.name == "postgresql" and store.schema_version() == SCHEMA_VERSION
    store.set_admin("officer", hash_password("pg test password"))
    store.add_units(["库测试甲局", "库测试乙局"])
    units = {u["name"]: u for u in store.units()}
    with TestClient(app) as client:
        assert client.get("/healthz").json()["database"] == "postgresql"
        page = client.get(f"/u/{units['库测试甲局']['token']}")
        with open(variant(tmp_path / "a.xlsx", "库测试甲局"), "rb") as fh:
            r = client.post(f"/u/{units['库测试甲局']['token']}/upload", data={"csrf": csrf_of(page.text)},
                            files={"file": ("a.xlsx", fh)})
        assert "校验通过" in r.text
        with open(DEMO, "rb") as fh:
            assert client.post("/api/validate", files={"file": ("demo.xlsx", fh)}).status_code == 200
        login = client.get("/admin/login")
        client.post("/admin/login", data={"csrf": csrf_of(login.text), "username": "officer",
                                          "password": "pg test password"})
        dash = client.get("/admin", params={"year": 2024})
        assert "已通过 1" in dash.text and "库测试乙局" in dash.text
        r = client.post("/admin/rollup", data={"csrf": csrf_of(dash.text), "year": "2024", "agency": "库县"})
        key = r.url.path.rsplit("/", 1)[1]
        (tmp_path / "sum.xlsx").write_bytes(client.get(f"/admin/rollup/{key}/workbook").content)
        assert read(tmp_path / "sum.xlsx").number("t3.new.total") == read(DEMO).number("t3.new.total")
    # identical uploads at the same moment: one file, two rows, no error
    from concurrent.futures import ThreadPoolExecutor

    content = DEMO.read_bytes()
    with ThreadPoolExecutor(4) as pool:
        shas = list(pool.map(lambda _: store.put_blob(content, "same.xlsx")[0], range(8)))
    assert len(set(shas)) == 1
    # a second start on the same database: no migration to run, everything still there
    again = Store(tmp_path / "files", pg_url)
    assert again.schema_version() == SCHEMA_VERSION and again.count_submissions() == 2
    again.close()
