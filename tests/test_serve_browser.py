"""A real browser (Debian's Chromium driven by Playwright for Python) walks the officer's and the clerk's flows
against a real ``xlsheet serve`` on 127.0.0.1, saving a screenshot at each key page; the test checks each page's
key elements and that each screenshot is a real, non-blank picture."""
from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="需要 Playwright for Python：pip install -e .[test]")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("没有 Chromium（/usr/bin/chromium）；tests/setup.sh 会用 apt 安装", allow_module_level=True)

from tests.serve_helpers import variant  # noqa: E402
from tests.test_serve_http import start, stop  # noqa: E402
from tests.serve_helpers import free_port  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PASSWORD = "browser test password"
SHOTS = os.environ.get("XLSHEET_SCREENSHOTS")  # set to keep the screenshots somewhere


def shot(page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    from PIL import Image

    with Image.open(path) as im:
        assert im.width >= 1000 and im.height >= 400
        colours = im.convert("L").getextrema()
        assert colours[0] < 100 and colours[1] > 200  # text on a light page, not a blank or black frame
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(SHOTS) / path.name)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from xlsheet.serve.security import hash_password
    from xlsheet.serve.store import Store

    data = tmp_path_factory.mktemp("browser-data")
    store = Store(data)
    store.set_admin("officer", hash_password(PASSWORD))
    store.close()
    port = free_port()
    proc = start(data, port)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_officer_then_clerk_then_rollup_in_a_real_browser(site, browser, tmp_path):
    officer = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", accept_downloads=True)
    page = officer.new_page()
    page.goto(f"{site}/admin")
    assert page.url.endswith("/admin/login")
    page.fill("#username", "officer")
    page.fill("#password", PASSWORD)
    page.click("form.login button")
    assert page.locator("#counts").is_visible()

    roster = tmp_path / "名单.csv"
    with open(roster, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["单位名称"], ["浏览器甲局"], ["浏览器乙局"]])
    page.goto(f"{site}/admin/roster")
    page.set_input_files("#roster-file", str(roster))
    page.click("form[action='/admin/roster/import'] button")
    assert "已导入 2 个单位" in page.locator("#note").inner_text()
    links = page.locator("code.link").all_inner_texts()
    assert len(links) == 2 and all("/u/" in link for link in links)
    shot(page, tmp_path, "officer-roster")

    # the clerk of 浏览器甲局, with nothing but the link
    clerk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", accept_downloads=True)
    cp = clerk.new_page()
    cp.goto(links[0])
    assert cp.locator("h1").inner_text() == "浏览器甲局"
    cp.select_option("#year", "2024")
    with cp.expect_download() as dl:
        cp.click("form.inline-form button")
    blank = tmp_path / "blank.xlsx"
    dl.value.save_as(blank)
    from xlsheet.workbook.reader import read

    assert read(blank).agency == "浏览器甲局" and dl.value.suggested_filename.endswith(".xlsx")
    shot(cp, tmp_path, "clerk-unit")

    bad = variant(tmp_path / "甲局有错.xlsx", "浏览器甲局", bump=2)
    cp.set_input_files("#file", str(bad))
    cp.click("form.upload button")
    assert "个错误" in cp.locator("#verdict").inner_text()
    assert cp.locator("td.cell", has_text="表三!").count() >= 1
    assert cp.locator("#docx").count() == 0
    with cp.expect_download() as dl:
        cp.click("#marked")
    dl.value.save_as(tmp_path / "marked.xlsx")
    from openpyxl import load_workbook

    assert "校验结果" in load_workbook(tmp_path / "marked.xlsx").sheetnames
    shot(cp, tmp_path, "clerk-findings")

    # a sheet renamed outside Excel/WPS (its cells' names still point at 表三): one row naming both sheets,
    # not a 未填 row for each of 表三's cells
    cp.click("text=返回")
    renamed_book = load_workbook(variant(tmp_path / "甲局改名.xlsx", "浏览器甲局"))
    renamed_book["表三"].title = "表3"
    renamed_book.save(tmp_path / "甲局改名.xlsx")
    cp.set_input_files("#file", str(tmp_path / "甲局改名.xlsx"))
    cp.click("form.upload button")
    assert "1 个错误" in cp.locator("#verdict").inner_text()
    rows = cp.locator("table.findings tbody tr")
    assert rows.count() == 1 and rows.locator("td.muted").inner_text() == "READ-MISSING"
    said = rows.locator("td").nth(2).inner_text()
    assert "“表三”" in said and "“表3”" in said and "改回" in said, said
    assert cp.locator("#docx").count() == 0
    shot(cp, tmp_path, "clerk-renamed-sheet")

    cp.click("text=返回")
    good = variant(tmp_path / "甲局.xlsx", "浏览器甲局")
    cp.set_input_files("#file", str(good))
    cp.click("form.upload button")
    assert "校验通过" in cp.locator("#verdict").inner_text()
    assert cp.locator("#html").get_attribute("href").endswith("/html")  # the report's other forms, beside the DOCX
    from xlsheet.serve.service import pdf_available

    assert cp.locator("#pdf" if pdf_available() else "#no-pdf").count() == 1
    with cp.expect_download() as dl:
        cp.click("#docx")
    dl.value.save_as(tmp_path / "report.docx")
    from docx import Document

    assert any("浏览器甲局" in p.text for p in Document(tmp_path / "report.docx").paragraphs)
    shot(cp, tmp_path, "clerk-passed")

    # back to the officer: dashboard and roll-up
    page.goto(f"{site}/admin?year=2024")
    assert "已通过 1" in page.locator("#counts").inner_text()
    assert "浏览器乙局" in page.locator("#missing").inner_text()
    shot(page, tmp_path, "officer-dashboard")
    page.fill("#agency", "浏览器县")
    page.click("#do-rollup")
    assert "计入汇总 1 个" in page.locator("#rollup-summary").inner_text()
    with page.expect_download() as dl:
        page.click("#rollup-workbook")
    dl.value.save_as(tmp_path / "sum.xlsx")
    assert read(tmp_path / "sum.xlsx").number("t3.new.total") == read(good).number("t3.new.total")
    assert page.locator("#refused").is_visible() and page.locator("#county-docx").count() == 0
    with page.expect_download() as dl:
        page.click("#county-draft")
    assert "草稿" in dl.value.suggested_filename
    shot(page, tmp_path, "officer-rollup")

    # the county's own 基本信息 and 五 on the roll-up page: then its DOCX in one click
    demo = read(good)
    for key in ("contact_office", "address", "postcode", "phone", "email", "portal_name", "portal_url"):
        page.fill(f"#ci-{key}", str(demo.meta[key]))
    page.fill("#ci-agency", "浏览器县人民政府办公室")
    page.fill("#ci-signoff_agency", "浏览器县人民政府办公室")
    page.fill("#ci-signoff_date", "2025-01-25")
    page.fill("#ci-s5", "浏览器县的主要问题和改进情况。")
    page.fill("#ci-s6_fee", "本年度未收取信息处理费。")
    page.click("#save-county-info")
    assert "已保存" in page.locator("#note").inner_text() and page.locator("#refused").count() == 0
    with page.expect_download() as dl:
        page.click("#county-docx")
    dl.value.save_as(tmp_path / "county.docx")
    county_text = "\n".join(p.text for p in Document(tmp_path / "county.docx").paragraphs)
    assert "浏览器县人民政府办公室" in county_text and "浏览器县的主要问题和改进情况。" in county_text
    shot(page, tmp_path, "officer-county-report")

    # 收回 asks first, on a page of its own (no script on the site), and then the unit's link is dead
    page.goto(f"{site}/admin/roster")
    page.locator("#roster tr", has_text="浏览器乙局").locator("a", has_text="收回").click()
    assert "收回后，该单位的链接立即失效" in page.locator("#confirm-note").inner_text()
    shot(page, tmp_path, "officer-revoke-confirm")
    page.click("#confirm")
    assert "浏览器乙局：已收回该单位的链接" in page.locator("#note").inner_text()
    assert page.goto(links[1]).status == 404

    # the public page, as anyone would see it
    anyone = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    ap = anyone.new_page()
    ap.goto(site)
    assert ap.locator("a[href='/admin/login']").count() >= 1
    shot(ap, tmp_path, "public-index")
    for ctx in (officer, clerk, anyone):
        ctx.close()
