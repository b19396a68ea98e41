"""``xlsheet serve`` in-process (Starlette TestClient): public check page, JSON API, clerk flow, officer flow,
security measures, storage.  Real HTTP, the browser and PostgreSQL are in the other tests/test_serve_*.py."""
from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import warnings
import zipfile

import pytest

pytest.importorskip("starlette", reason="需要 serve 扩展：pip install -e .[serve]")
warnings.filterwarnings("ignore", message=".*httpx.*")  # Starlette nudging towards httpx2

from docx import Document  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from tests.serve_helpers import DEMO, WITH_ERRORS, csrf_of, variant, with_dtd, zip_bomb  # noqa: E402
from xlsheet import jobs  # noqa: E402
from xlsheet.cli import main  # noqa: E402
from xlsheet.serve.app import create_app  # noqa: E402
from xlsheet.serve.security import hash_password  # noqa: E402
from xlsheet.serve.service import MB, Settings  # noqa: E402
from xlsheet.serve.store import Store  # noqa: E402
from xlsheet.workbook.reader import read  # noqa: E402

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve-data")
    application = create_app(Settings(data=data, max_upload=2 * MB, workers=2))
    application.state.service.store.set_admin("officer", hash_password(PASSWORD))
    with TestClient(application) as client:
        application.state.client = client
        yield application


@pytest.fixture
def client(app):
    app.state.client.cookies.clear()
    return app.state.client


@pytest.fixture
def store(app):
    return app.state.service.store


def upload(client, path, action="/check", name=None):
    csrf = csrf_of(client.get("/").text)
    with open(path, "rb") as fh:
        return client.post(action, data={"csrf": csrf}, files={"file": (name or path.name, fh)})


def login(client, password=PASSWORD):
    csrf = csrf_of(client.get("/admin/login").text)
    return client.post("/admin/login", data={"csrf": csrf, "username": "officer", "password": password})


# -- the public page -------------------------------------------------------------------------------------------
def test_check_once_clean_workbook_gives_docx_and_marked_copy(client, tmp_path):
    page = upload(client, DEMO)
    assert page.status_code == 200 and "校验通过" in page.text
    key = page.url.path.rsplit("/", 1)[1]
    docx = client.get(f"/s/{key}/docx")
    assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
    (tmp_path / "r.docx").write_bytes(docx.content)
    text = "\n".join(p.text for p in Document(tmp_path / "r.docx").paragraphs)
    assert read(DEMO).agency in text
    marked = client.get(f"/s/{key}/marked")
    (tmp_path / "m.xlsx").write_bytes(marked.content)
    assert "校验结果" in load_workbook(tmp_path / "m.xlsx").sheetnames
    assert "%E6%A0%A1%E9%AA%8C" in marked.headers["content-disposition"]  # 校验 in the UTF-8 file name


def test_html_and_pdf_follow_the_docx_and_say_so_in_chinese_without_libreoffice(client, app, monkeypatch):
    bad = upload(client, WITH_ERRORS)
    key = bad.url.path.rsplit("/", 1)[1]
    assert 'id="html"' not in bad.text and 'id="pdf"' not in bad.text
    refused = client.get(f"/s/{key}/html")
    assert refused.status_code == 409 and "个错误" in refused.text
    assert client.get(f"/s/{key}/xls").status_code == 404
    monkeypatch.setitem(app.state.templates.globals, "pdf_available", False)
    monkeypatch.setattr("xlsheet.serve.service.pdf_available", lambda: False)
    page = upload(client, DEMO)
    key = page.url.path.rsplit("/", 1)[1]
    assert 'id="html"' in page.text and 'id="pdf"' not in page.text and "未安装 LibreOffice" in page.text
    r = client.get(f"/s/{key}/pdf")
    assert r.status_code == 409 and "LibreOffice" in r.text
    html = client.get(f"/s/{key}/html")
    assert html.status_code == 200 and read(DEMO).agency in html.text


def test_marked_copy_is_written_on_its_first_download_from_the_kept_upload(client, store):
    page = upload(client, WITH_ERRORS)
    row = store.submission(page.url.path.rsplit("/", 1)[1])
    path = store.derived_dir(row["key"]) / row["marked"]
    assert row["errors"] > 0 and 'id="marked"' in page.text and not path.exists()  # not on the upload's path
    first = client.get(f"/s/{row['key']}/marked")
    assert first.status_code == 200 and path.exists()
    wb = load_workbook(io.BytesIO(first.content))
    sheet = wb["校验结果"]
    assert sum(1 for r in sheet.iter_rows(values_only=True) if r[1] == "错误") == row["errors"]
    assert client.get(f"/s/{row['key']}/marked").content == first.content  # kept once written


def test_findings_page_lists_every_finding_with_its_cell_and_refuses_the_docx(client):
    expected = jobs.check(WITH_ERRORS)
    page = upload(client, WITH_ERRORS)
    assert f"有 {len(expected.errors)} 个错误" in page.text
    from markupsafe import escape

    from xlsheet.validation.result_table import result_entries

    entries = result_entries(expected)
    at = [page.text.index(str(escape(e.message))) for e in entries]
    assert at == sorted(at)  # the 校验结果 sheet's order: errors first, then the workbook's sheet order
    for e in entries:
        assert e.address in page.text
    assert 'id="docx"' not in page.text and 'id="marked"' in page.text
    key = page.url.path.rsplit("/", 1)[1]
    refused = client.get(f"/s/{key}/docx")
    assert refused.status_code == 409 and "个错误" in refused.text


def test_findings_page_orders_and_groups_like_the_result_sheet(client, tmp_path):
    book = tmp_path / "new.xlsx"
    jobs.new_book(book, 2024, "测试局")
    page = upload(client, book)
    assert "表三!D8:D32 共25格为空" in page.text and "表三!D9（" not in page.text
    sections = [s.split("（", 1)[0] for s in page.text.split("<h2>")[1:]]
    assert sections[:2] == ["基本信息", "正文"] and sections.index("表二") < sections.index("表三")


# -- the JSON API ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("example", sorted(p.name for p in DEMO.parent.glob("*.xlsx")))
def test_api_validate_matches_the_cli_json(client, capsys, example):
    path = DEMO.parent / example
    main(["validate", "--json", str(path)])
    cli = json.loads(capsys.readouterr().out)
    with open(path, "rb") as fh:
        r = client.post("/api/validate", files={"file": (example, fh)})
    assert r.status_code == 200
    api = r.json()
    assert api.pop("file") == example and cli.pop("file") == example
    assert api == cli


def test_api_report_gives_docx_or_422_with_findings(client, tmp_path):
    with open(DEMO, "rb") as fh:
        r = client.post("/api/report", files={"file": ("demo.xlsx", fh)})
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    (tmp_path / "a.docx").write_bytes(r.content)
    assert Document(tmp_path / "a.docx").paragraphs
    with open(WITH_ERRORS, "rb") as fh:
        r = client.post("/api/report", files={"file": ("bad.xlsx", fh)})
    assert r.status_code == 422
    body = r.json()
    assert "个错误" in body["error"] and body["findings"]["summary"]["errors"] == len(jobs.check(WITH_ERRORS).errors)


def test_healthz(client, store):
    r = client.get("/healthz")
    assert r.json()["status"] == "ok" and r.json()["schema"] == store.schema_version()


# -- hostile and oversized uploads -----------------------------------------------------------------------------
def _bytes(content: bytes):
    def make(path):
        path.write_bytes(content)
        return path
    return make


@pytest.mark.parametrize("name,make", [
    ("text.xlsx", _bytes(b"just text")),
    ("page.xlsx", _bytes(b"<!DOCTYPE html><html><body>x</body></html>")),
    ("bomb.xlsx", zip_bomb),
    ("dtd.xlsx", with_dtd),
    ("old.xlsx", _bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)),
    ("truncated.xlsx", lambda p: _bytes(DEMO.read_bytes()[:5000])(p)),
])
def test_hostile_uploads_get_a_chinese_4xx_and_the_server_stays_healthy(client, tmp_path, name, make):
    path = make(tmp_path / name)
    with open(path, "rb") as fh:
        r = client.post("/api/validate", files={"file": (name, fh)})
    assert r.status_code == 422
    message = r.json()["error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message) and "Traceback" not in message
    assert path.name in message or "文件" in message
    page = upload(client, path)
    assert page.status_code == 200 and "无法读取该文件" in page.text
    assert client.get("/healthz").json()["status"] == "ok"
    with open(DEMO, "rb") as fh:
        assert client.post("/api/validate", files={"file": ("demo.xlsx", fh)}).status_code == 200


def test_oversized_upload_is_413(client):
    big = b"0" * (3 * MB)
    r = client.post("/api/validate", files={"file": ("big.xlsx", big)})
    assert r.status_code == 413 and "不能超过 2 MB" in r.json()["error"]
    csrf = csrf_of(client.get("/").text)
    r = client.post("/check", data={"csrf": csrf}, files={"file": ("big.xlsx", big)})
    assert r.status_code == 413 and "不能超过 2 MB" in r.text
    assert 'class="top"' in r.text and "<footer>" in r.text  # the site's own page, not a bare one


def test_error_pages_lead_back_to_where_the_reader_came_from(client, store):
    store.add_units(["返回链接局"])
    token = next(u for u in store.units() if u["name"] == "返回链接局")["token"]
    csrf = csrf_of(client.get(f"/u/{token}").text)
    empty = client.post(f"/u/{token}/upload", data={"csrf": csrf}, files={"file": ("空.xlsx", b"")})
    assert empty.status_code == 400 and f'id="back" href="/u/{token}"' in empty.text and "返回本单位页面" in empty.text
    big = client.post(f"/u/{token}/upload", data={"csrf": csrf}, files={"file": ("big.xlsx", b"0" * (3 * MB))})
    assert big.status_code == 413 and f'id="back" href="/u/{token}"' in big.text and 'class="top"' in big.text
    gone = client.get("/u/" + "x" * 40)  # a link that is no more: back to the home page, not to itself
    assert gone.status_code == 404 and 'id="back" href="/"' in gone.text
    login(client)
    missing = client.get("/admin/rollup/nosuchkey")
    assert missing.status_code == 404 and 'id="back" href="/"' in missing.text


def test_forms_without_the_csrf_token_are_refused(client):
    with open(DEMO, "rb") as fh:
        r = client.post("/check", files={"file": ("demo.xlsx", fh)})
    assert r.status_code == 403 and "CSRF" in r.text
    client.get("/admin/login")
    r = client.post("/admin/login", data={"csrf": "forged", "username": "officer", "password": PASSWORD})
    assert r.status_code == 403


def test_security_headers(client):
    h = client.get("/").headers
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer" and "default-src 'none'" in h["content-security-policy"]
    cookie = h["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_pages_use_no_external_resource_and_no_script(client):
    for path in ("/", "/admin/login"):
        html = client.get(path).text
        assert "<script" not in html and "http://" not in html and "https://" not in html


# -- storage ---------------------------------------------------------------------------------------------------
def test_uploads_are_kept_immutably_by_content_and_every_upload_is_a_row(client, store, tmp_path):
    path = variant(tmp_path / "same.xlsx", "存储测试局")
    before = store.count_submissions()
    keys = [upload(client, path).url.path.rsplit("/", 1)[1] for _ in range(2)]
    assert store.count_submissions() == before + 2
    rows = [store.submission(k) for k in keys]
    assert rows[0]["sha256"] == rows[1]["sha256"] and rows[0]["uploaded_at"] <= rows[1]["uploaded_at"]
    import hashlib

    blob = store.blob_path(rows[0]["sha256"], ".xlsx")
    assert hashlib.sha256(blob.read_bytes()).hexdigest() == rows[0]["sha256"] == hashlib.sha256(
        path.read_bytes()).hexdigest()
    assert not os.stat(blob).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert rows[0]["source"] == "public" and rows[0]["unit_id"] is None and "公开页面" in rows[0]["uploader"]


def test_sqlite_is_in_wal_mode(store):
    con = sqlite3.connect(store.data / "xlsheet.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_an_old_schema_is_migrated(tmp_path):
    from sqlalchemy import inspect

    from xlsheet.serve.schema import MIGRATIONS, SCHEMA_VERSION, settings
    from xlsheet.serve.store import Store, engine_for

    eng = engine_for(f"sqlite:///{tmp_path / 'xlsheet.sqlite3'}")
    with eng.begin() as conn:  # a database as version 1 left it
        MIGRATIONS[1](conn)
        conn.execute(settings.insert().values(key="schema_version", value="1"))
    assert "feedback" not in {c["name"] for c in inspect(eng).get_columns("units")}
    assert not inspect(eng).has_table("county_info")
    eng.dispose()
    store = Store(tmp_path)
    assert store.schema_version() == SCHEMA_VERSION == 3
    assert "feedback" in {c["name"] for c in inspect(store.engine).get_columns("units")}
    assert inspect(store.engine).has_table("county_info")
    store.close()


# -- the clerk's flow ------------------------------------------------------------------------------------------
def test_clerk_flow_blank_upload_findings_docx_and_carry_over(client, store, tmp_path):
    store.add_units(["结转测试局"])
    unit = next(u for u in store.units() if u["name"] == "结转测试局")
    page = client.get(f"/u/{unit['token']}")
    assert page.status_code == 200 and "结转测试局" in page.text and "还没有上传过" in page.text

    blank = client.get(f"/u/{unit['token']}/blank", params={"year": 2024})
    assert blank.status_code == 200
    (tmp_path / "blank.xlsx").write_bytes(blank.content)
    book = read(tmp_path / "blank.xlsx")
    assert book.agency == "结转测试局" and book.year == 2024 and book.spec.format == "v2021"
    assert book.number("t3.carry.natural") is None  # nothing to carry yet: blank, never 0

    bad = variant(tmp_path / "bad.xlsx", "结转测试局", bump=3)
    r = upload(client, bad, action=f"/u/{unit['token']}/upload")
    assert r.status_code == 200 and "个错误" in r.text and f"/u/{unit['token']}" in r.text
    good = variant(tmp_path / "good.xlsx", "结转测试局")
    r = upload(client, good, action=f"/u/{unit['token']}/upload")
    assert "校验通过" in r.text and 'id="docx"' in r.text
    history = client.get(f"/u/{unit['token']}").text
    assert history.count(f"/u/{unit['token']}/s/") == 2 and "已通过" in history and "个错误" in history
    assert len(store.unit_submissions(unit["id"])) == 2  # every upload kept, none replaced

    nxt = client.get(f"/u/{unit['token']}/blank", params={"year": 2025})
    (tmp_path / "next.xlsx").write_bytes(nxt.content)
    carried = read(tmp_path / "next.xlsx")
    last = read(good)
    assert carried.year == 2025 and carried.agency == "结转测试局"
    assert carried.number("t3.carry.natural") == last.number("t3.next.natural")
    assert carried.number("t3.carry.total") == last.number("t3.next.total")
    assert carried.meta.get("phone") == last.meta.get("phone")

    # next year's upload is checked against this year's passed one (the CLI's --previous rules)
    loc = carried.locations["t3.carry.natural"]
    wb = load_workbook(tmp_path / "next.xlsx")
    wb[loc.sheet].cell(loc.row, loc.col).value = last.number("t3.next.natural") + 5
    wb.save(tmp_path / "next-wrong.xlsx")
    expected = jobs.check(tmp_path / "next-wrong.xlsx", good)
    assert any(f.rule_id == "XYEAR-CARRY" for f in expected.errors)
    r = upload(client, tmp_path / "next-wrong.xlsx", action=f"/u/{unit['token']}/upload")
    assert "XYEAR-CARRY" in r.text and f"有 {len(expected.errors)} 个错误" in r.text
    # the marked copy, written on its first download, is checked against the same previous year's workbook
    marked = load_workbook(io.BytesIO(client.get(f"/s/{r.url.path.rsplit('/', 1)[1]}/marked").content))
    assert "XYEAR-CARRY" in [row[-1] for row in marked["校验结果"].iter_rows(values_only=True)]
    r = upload(client, tmp_path / "next.xlsx", action=f"/u/{unit['token']}/upload")
    assert "XYEAR-CARRY" not in r.text


def test_blank_workbook_format_follows_the_year(client, store, tmp_path):
    store.add_units(["格式测试局"])
    unit = next(u for u in store.units() if u["name"] == "格式测试局")
    r = client.get(f"/u/{unit['token']}/blank", params={"year": 2020})
    (tmp_path / "b.xlsx").write_bytes(r.content)
    assert read(tmp_path / "b.xlsx").spec.format == "v2019"
    assert client.get(f"/u/{unit['token']}/blank", params={"year": "二〇二〇"}).status_code == 400


def test_a_token_sees_only_its_own_unit_and_can_be_revoked(client, store, tmp_path):
    store.add_units(["令牌甲", "令牌乙"])
    a, b = (next(u for u in store.units() if u["name"] == n) for n in ("令牌甲", "令牌乙"))
    r = upload(client, variant(tmp_path / "a.xlsx", "令牌甲"), action=f"/u/{a['token']}/upload")
    key = r.url.path.rsplit("/", 1)[1]
    assert client.get(f"/u/{b['token']}/s/{key}").status_code == 404
    assert "令牌甲" not in client.get(f"/u/{b['token']}").text
    assert client.get("/u/not-a-token").status_code == 404
    new = store.revoke(a["id"], reissue=True)
    gone = client.get(f"/u/{a['token']}")
    assert gone.status_code == 404 and "收回" in gone.text
    assert client.get(f"/u/{new}").status_code == 200
    assert len(new) >= 32 and new != a["token"]


# -- the officer's flow ----------------------------------------------------------------------------------------
def test_admin_pages_need_login_and_wrong_passwords_are_rate_limited(client, app):
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/login"
    app.state.login_limit.reset("testclient")
    for _ in range(5):
        assert login(client, "wrong password").status_code == 401
    r = login(client)
    assert r.status_code == 429 and "过多" in r.text
    app.state.login_limit.reset("testclient")
    r = login(client)
    assert r.status_code == 200 and "收集情况" in r.text


def test_every_admin_route_needs_the_login(client, app):
    from starlette.routing import Route

    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/admin") and route.path != "/admin/login":
            path = route.path.replace("{uid:int}", "1").replace("{key}", "abc").replace("{kind:str}", "docx")
            for method in route.methods - {"HEAD"}:
                r = client.request(method, path, follow_redirects=False)
                assert r.status_code in (303, 403), (method, path, r.status_code)  # 403: CSRF comes first
                if method == "GET":
                    assert r.headers["location"] == "/admin/login"


def test_secure_cookie_option(tmp_path):
    app = create_app(Settings(data=tmp_path, secure_cookie=True, workers=1))
    with TestClient(app) as c:
        assert "secure" in c.get("/").headers["set-cookie"].lower()


def test_officer_flow_roster_dashboard_rollup_zip(client, store, tmp_path):
    login(client)
    page = client.get("/admin/roster")
    csrf = csrf_of(page.text)
    roster = io.StringIO()
    csv.writer(roster).writerows([["单位名称"], ["汇总甲局"], ["汇总乙局"], ["汇总丙局"], ["=cmd|' /C calc'!A0"]])
    r = client.post("/admin/roster/import", data={"csrf": csrf},
                    files={"file": ("名单.csv", roster.getvalue().encode("gb18030"))})
    assert "已导入 3 个单位" in r.text
    from openpyxl import Workbook

    wb = Workbook()
    for row in (["单位名称"], ["汇总丁局"], ["汇总甲局"]):
        wb.active.append(row)
    wb.save(tmp_path / "名单.xlsx")
    r = client.post("/admin/roster/import", data={"csrf": csrf},
                    files={"file": ("名单.xlsx", (tmp_path / "名单.xlsx").read_bytes())})
    assert "已导入 1 个单位（1 个已在名单中）" in r.text
    units = {u["name"]: u for u in store.units()}
    assert "=cmd|' /C calc'!A0" not in units and units["汇总丁局"]["token"]

    upload(client, variant(tmp_path / "a.xlsx", "汇总甲局"), action=f"/u/{units['汇总甲局']['token']}/upload")
    upload(client, variant(tmp_path / "b.xlsx", "汇总乙局"), action=f"/u/{units['汇总乙局']['token']}/upload")
    upload(client, variant(tmp_path / "c.xlsx", "汇总丙局", bump=4),
           action=f"/u/{units['汇总丙局']['token']}/upload")
    # 丁 sends 乙's file: a duplicate
    upload(client, tmp_path / "b.xlsx", action=f"/u/{units['汇总丁局']['token']}/upload")

    dash = client.get("/admin", params={"year": 2024}).text
    rows = {u["name"]: u for u in store.dashboard(2024)}
    assert rows["汇总甲局"]["state"] == "已通过" and rows["汇总丙局"]["state"] == "有错误"
    assert rows["汇总乙局"]["duplicates"] and rows["汇总丁局"]["duplicates"]
    assert "疑似重复" in dash and "汇总丁局" in dash and "未提交" in dash

    r = client.post("/admin/rollup", data={"csrf": csrf_of(dash), "year": "2024", "agency": "某县"})
    assert r.status_code == 200 and "计入汇总" in r.text
    key = r.url.path.rsplit("/", 1)[1]
    book = client.get(f"/admin/rollup/{key}/workbook")
    (tmp_path / "sum.xlsx").write_bytes(book.content)
    summed = read(tmp_path / "sum.xlsx")
    passed = [u for u in rows.values() if u["state"] == "已通过"]  # other tests' units too: one service
    assert {"汇总甲局", "汇总乙局", "汇总丁局"} <= {u["name"] for u in passed}
    demo = read(DEMO)  # every passed unit here is a renamed copy of the demo figures
    for cell in ("t3.new.total", "t2.reg.made"):
        # 丙 has errors: not summed; 丁's upload is 乙's very file: counted once, listed as a duplicate
        assert summed.number(cell) == (len(passed) - 1) * demo.number(cell)
    assert "重复" in r.text and "内容完全相同" in r.text
    assert summed.year == 2024
    assert "有错误" in r.text and "refused" in r.text  # the county's own text is still blank
    assert "汇总工作簿的数字已汇总，但本级报告还缺" in r.text

    z = client.get("/admin/docx.zip", params={"year": 2024})
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert any("汇总甲局" in n for n in names) and not any("汇总丙局" in n for n in names)


def _docx_text(content: bytes, path) -> str:
    path.write_bytes(content)
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for section in doc.sections:
        for part in (section.header, section.footer):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)


def test_rollup_page_says_why_nothing_was_summed_in_the_pages_terms(client, store, tmp_path):
    """A year whose only submission has errors: the page says nothing was summed and why, with advice for the web
    (not the command line's --include-errors), and the CLI's wording keeps its options."""
    store.add_units(["空汇总甲局"])
    unit = next(u for u in store.units() if u["name"] == "空汇总甲局")
    upload(client, variant(tmp_path / "a.xlsx", "空汇总甲局", bump=3, year=2023),
           action=f"/u/{unit['token']}/upload")
    upload(client, variant(tmp_path / "b.xlsx", "空汇总甲局"), action=f"/u/{unit['token']}/upload")  # a clean 2024
    login(client)
    dash = client.get("/admin", params={"year": 2023}).text
    r = client.post("/admin/rollup", data={"csrf": csrf_of(dash), "year": "2023", "agency": "某县"})
    assert r.status_code == 200 and 'id="rollup-empty"' in r.text
    assert "没有可计入汇总的单位：1 个有错误（请这些单位改正后重新上传）。汇总表中的数字为空白。" in r.text
    assert "--include-errors" not in r.text
    assert "数字已汇总" not in r.text  # the refusal below does not contradict it

    r = client.post("/admin/rollup", data={"csrf": csrf_of(dash), "year": "2024", "agency": "某县"})
    assert r.status_code == 200 and "计入汇总" in r.text and 'id="rollup-empty"' not in r.text


def test_county_fills_its_own_text_on_the_rollup_page_and_gets_its_docx(client, store, tmp_path):
    store.add_units(["本级信息甲局"])
    unit = next(u for u in store.units() if u["name"] == "本级信息甲局")
    upload(client, variant(tmp_path / "a.xlsx", "本级信息甲局"), action=f"/u/{unit['token']}/upload")
    login(client)
    dash = client.get("/admin", params={"year": 2024}).text
    r = client.post("/admin/rollup", data={"csrf": csrf_of(dash), "year": "2024", "agency": ""})
    assert 'id="refused"' in r.text and 'id="county-docx"' not in r.text and 'id="county-info"' in r.text
    key = r.url.path.rsplit("/", 1)[1]
    assert client.get(f"/admin/rollup/{key}/docx").status_code == 409
    assert client.get(f"/admin/rollup/{key}/html").status_code == 409
    draft = client.get(f"/admin/rollup/{key}/draft")
    assert draft.status_code == 200 and "%E8%8D%89%E7%A8%BF" in draft.headers["content-disposition"]  # 草稿
    assert "草稿" in _docx_text(draft.content, tmp_path / "draft.docx")

    demo = read(DEMO)
    info = {k: str(demo.meta[k]) for k in ("contact_office", "address", "postcode", "phone", "email", "portal_name",
                                            "portal_url")}
    info.update(agency="本级测试县人民政府办公室", signoff_agency="本级测试县人民政府办公室", signoff_date="2025-01-25",
                s5="本级存在的主要问题：公开的及时性有待提高。改进情况：建立督办机制。",
                s6_fee="本年度未收取信息处理费。")
    csrf = csrf_of(r.text)
    bad = client.post("/admin/county-info", data={"csrf": csrf, "year": "2024", **info, "s5": "=cmd|' /C calc'!A0"})
    assert bad.status_code == 422 and "不能以“=”开头" in bad.text
    r = client.post("/admin/county-info", data={"csrf": csrf, "year": "2024", **info})
    assert r.status_code == 200 and "已保存本级基本信息" in r.text
    assert 'id="county-docx"' in r.text and 'id="refused"' not in r.text and 'id="county-draft"' not in r.text
    assert store.county_info(2024)["s5"] == info["s5"]
    key = r.url.path.rsplit("/", 1)[1]
    (tmp_path / "county.xlsx").write_bytes(client.get(f"/admin/rollup/{key}/workbook").content)
    county = read(tmp_path / "county.xlsx")
    assert county.agency == info["agency"] and county.meta["phone"] == info["phone"]
    assert str(county.meta["signoff_date"]) == "2025-01-25" and county.narrative["s5"] == info["s5"]
    text = _docx_text(client.get(f"/admin/rollup/{key}/docx").content, tmp_path / "county.docx")
    assert info["agency"] in text and "建立督办机制" in text and "草稿" not in text
    assert f'href="/admin/rollup/{key}/html"' in r.text
    html = client.get(f"/admin/rollup/{key}/html")
    assert html.status_code == 200 and "建立督办机制" in html.text and "<script" not in html.text.lower()
    assert 'value="本级测试县人民政府办公室"' in client.get("/admin", params={"year": 2024}).text  # remembered


def test_officer_edits_a_unit_and_the_clerk_sees_the_feedback(client, store):
    store.add_units(["反馈测试局"])
    unit = next(u for u in store.units() if u["name"] == "反馈测试局")
    login(client)
    page = client.get(f"/admin/units/{unit['id']}")
    r = client.post(f"/admin/units/{unit['id']}/edit",
                    data={"csrf": csrf_of(page.text), "name": "反馈测试局", "feedback": "请补充<b>表四</b>。"})
    assert "已保存" in r.text
    clerk = client.get(f"/u/{unit['token']}").text
    assert "请补充&lt;b&gt;表四&lt;/b&gt;。" in clerk  # escaped, never markup


def test_serve_admin_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["serve-admin", "--data", str(tmp_path), "--username", "chief", "--password-stdin"]) == 0
    assert "已创建" in capsys.readouterr().out
    from xlsheet.serve.security import verify_password
    from xlsheet.serve.store import Store

    store = Store(tmp_path)
    assert verify_password("a long enough password", store.admin_hash("chief"))
    assert store.admin_hash("chief").startswith("scrypt$")
    store.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["serve-admin", "--data", str(tmp_path), "--password-stdin"]) == 2


def test_a_worker_killed_by_one_file_does_not_fail_the_others(tmp_path):
    """Several requests share the pool; a task whose worker dies breaks the pool for all in-flight tasks.  The
    service retries once in the fresh pool, so only the killer is refused."""
    import threading
    import time

    from tests import isolated_tasks
    from xlsheet.serve import worker
    from xlsheet.serve.service import Service

    svc = Service(Settings(data=tmp_path, workers=2))
    try:
        results, stop = [], threading.Event()

        def innocent(n):
            i = 0
            while not stop.is_set():
                i += 1
                results.append(svc._run(worker.process, str(DEMO), str(tmp_path / f"out{n}-{i}"), "demo.xlsx"))

        threads = [threading.Thread(target=innocent, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        killed = []
        for _ in range(2):
            time.sleep(0.5)  # let the innocents' tasks get going in the workers
            killed.append(svc._run(isolated_tasks.abort))
        stop.set()
        for t in threads:
            t.join()
        assert all("异常退出" in k["error"] for k in killed)
        assert results and all(r.get("result", {}).get("summary", {}).get("errors") == 0 for r in results), \
            [r for r in results if "error" in r][:2]
    finally:
        svc.close()


def test_serve_refuses_an_unusable_data_folder_or_database_with_a_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["serve", "--data", str(blocker / "data")]) == 2
    assert "无法使用数据目录" in capsys.readouterr().err
    assert main(["serve", "--data", str(tmp_path), "--db", "postgresql://u:secret@127.0.0.1:1/x"]) == 2
    err = capsys.readouterr().err
    assert "无法打开数据库" in err and "secret" not in err


def test_a_new_data_folder_and_its_database_are_private_to_the_service(tmp_path):
    """Password hashes, the session key and the units' workbooks: not readable by other users of the machine,
    whatever the umask (an existing folder keeps the permissions IT gave it)."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        store = Store(tmp_path / "data")
        _, blob = store.put_blob(b"PK fake workbook", "a.xlsx")
        made = [tmp_path / "data" / name for name in ("blobs", "derived", "tmp")] + [blob.parent, store.tmp_dir()]
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data" / "xlsheet.sqlite3").stat().st_mode) == 0o600
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in made} == {p.name: "0o700" for p in made}
    assert store.schema_version() >= 1
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    Store(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o750


def test_the_officers_confirmation_banner_says_only_what_the_service_did(client):
    # A link with ?note=… used to put anyone's words in the green banner (a phishing aid); the note now travels in
    # the signed session, shown once on the page the form redirects to.
    login(client)
    bait = "系统升级：请立即访问 http://evil.example 重新登录"
    page = client.get("/admin/roster", params={"note": bait})
    assert page.status_code == 200 and "evil.example" not in page.text and 'id="note"' not in page.text
    csrf = csrf_of(page.text)
    added = client.post("/admin/roster/add", data={"csrf": csrf, "names": "横幅测试局"}, follow_redirects=False)
    assert added.status_code == 303 and "note" not in added.headers["location"]
    shown = client.get(added.headers["location"])
    assert 'id="note"' in shown.text and "已添加 1 个单位" in shown.text
    assert 'id="note"' not in client.get("/admin/roster").text  # once


def test_a_workbook_naming_another_agency_is_flagged_to_the_clerk_and_on_the_dashboard(client, store, tmp_path):
    store.add_units(["示例区教育局", "名称核对局"])
    edu = next(u for u in store.units() if u["name"] == "示例区教育局")
    other = next(u for u in store.units() if u["name"] == "名称核对局")
    # the full name in the workbook, a short one in the roster: the same agency, nothing said
    page = upload(client, variant(tmp_path / "edu.xlsx", "示例市示例区教育局"), action=f"/u/{edu['token']}/upload")
    assert page.status_code == 200 and "校验通过" in page.text and 'id="agency"' not in page.text
    # another office's workbook through this unit's link: it passes validation, and the page says whose it is
    page = upload(client, variant(tmp_path / "neighbour.xlsx", "示例区财政局"), action=f"/u/{other['token']}/upload")
    assert "校验通过" in page.text and 'id="agency"' in page.text
    assert "工作簿中的机关名称为“示例区财政局”，与本单位“名称核对局”不一致" in page.text
    login(client)
    board = client.get("/admin", params={"year": 2024}).text
    flagged = board.split('id="mismatch"', 1)[1].split("</p>", 1)[0]
    assert "名称核对局（上传的工作簿为“示例区财政局”）" in flagged and "示例区教育局" not in flagged


def test_the_dashboard_counts_a_units_uploads_of_the_year_shown(client, store, tmp_path):
    store.add_units(["年度计数局"])
    unit = next(u for u in store.units() if u["name"] == "年度计数局")
    for year in (2023, 2024, 2024):
        upload(client, variant(tmp_path / f"{year}.xlsx", "年度计数局", year=year, bump=None if year == 2023 else 1),
               action=f"/u/{unit['token']}/upload")
    login(client)

    def uploads(year):
        rows = store.dashboard(year)
        return next(u["uploads"] for u in rows if u["name"] == "年度计数局")

    assert (uploads(2023), uploads(2024), uploads(2025)) == (1, 2, 0)


def test_a_units_workbook_of_another_year_than_most_units_is_pointed_out(client, store, tmp_path):
    store.add_units(["年度核对局"])
    unit = next(u for u in store.units() if u["name"] == "年度核对局")
    page = upload(client, variant(tmp_path / "now.xlsx", "年度核对局"), action=f"/u/{unit['token']}/upload")
    collected = store.campaign_year()  # the year most unit uploads are for (the demo's, 2024, here)
    assert ('id="year-note"' in page.text) == (collected != read(DEMO).year)
    page = upload(client, variant(tmp_path / "old.xlsx", "年度核对局", year=collected - 2),
                  action=f"/u/{unit['token']}/upload")
    assert 'id="year-note"' in page.text
    assert f"这是{collected - 2}年度的工作簿，而各单位上传的主要是{collected}年度的报告" in page.text


def test_times_are_shown_in_beijing_time_whatever_the_servers_zone():
    from xlsheet.serve.app import _localtime

    assert _localtime(3600) == "1970-01-01 09:00:00" and _localtime(None) == ""


def test_an_unreadable_upload_is_said_with_what_to_do(client, tmp_path):
    fake = tmp_path / "笔记.xlsx"
    fake.write_text("这是一份笔记，不是工作簿。", encoding="utf-8")
    page = upload(client, fake)
    assert "无法读取该文件" in page.text and "“另存为” .xlsx 后再试。" in page.text  # advice, and a full stop
    csrf = csrf_of(client.get("/").text)
    empty = client.post("/check", data={"csrf": csrf}, files={"file": ("空.xlsx", b"")})
    assert empty.status_code == 400 and "重新保存后再上传" in empty.text


def test_a_very_long_file_name_keeps_its_beginning_and_extension_around_an_ellipsis():
    from xlsheet.serve.service import display_name

    long = "关于二〇二四年度政府信息公开工作年度报告的填报工作簿" * 6 + "最终版.xlsx"
    shown = display_name("C:\\用户\\" + long)
    assert len(shown) == 120 and shown.startswith("关于二〇二四年度") and shown.endswith("最终版.xlsx") and "…" in shown
    assert display_name("短名.xlsx") == "短名.xlsx" and display_name("") == "工作簿.xlsx"


def test_revoking_or_reissuing_a_link_asks_first(client, store):
    store.add_units(["确认收回局"])
    unit = next(u for u in store.units() if u["name"] == "确认收回局")
    login(client)
    roster = client.get("/admin/roster").text
    assert f'href="/admin/units/{unit["id"]}/token?action=revoke"' in roster
    confirm = client.get(f"/admin/units/{unit['id']}/token", params={"action": "revoke"})
    assert confirm.status_code == 200 and "收回后，该单位的链接立即失效" in confirm.text and 'id="confirm"' in confirm.text
    csrf = csrf_of(confirm.text)
    # a bare post (an old form, a replayed request) only leads to the question; the link still works
    r = client.post(f"/admin/units/{unit['id']}/token", data={"csrf": csrf, "action": "revoke"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/token?action=revoke")
    assert client.get(f"/u/{unit['token']}").status_code == 200
    r = client.post(f"/admin/units/{unit['id']}/token", data={"csrf": csrf, "action": "revoke", "confirm": "yes"})
    assert "已收回该单位的链接" in r.text and client.get(f"/u/{unit['token']}").status_code == 404
    assert client.get(f"/admin/units/{unit['id']}/token", params={"action": "delete"}).status_code == 404
