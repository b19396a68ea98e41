"""LibreOffice (soffice) helpers for tests: recalculation with an isolated "always recalculate" profile, and
DOCX → PDF → PNG rendering with fontconfig aliases for the official Chinese font names."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")

XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""

from xlsheet.docx.pdf import FONTS_CONF  # noqa: E402  (the aliases `xlsheet report --pdf` uses)


def require_soffice():
    """Skip when LibreOffice is absent on a developer machine; in CI (CI=true) its absence is a failure."""
    if SOFFICE:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice (soffice) is required in CI: run tests/setup.sh")
    pytest.skip("LibreOffice not installed (tests/setup.sh installs it)")


def _profile(base: Path) -> str:
    user = base / "lo-profile" / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    return (base / "lo-profile").as_uri()


def _run(args, base: Path, timeout=600):
    env = dict(os.environ)
    conf = base / "fonts.conf"
    conf.write_text(FONTS_CONF, encoding="utf-8")
    env["FONTCONFIG_FILE"] = str(conf)
    cmd = [SOFFICE, f"-env:UserInstallation={_profile(base)}", "--headless", "--norestore", *args]
    subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env=env)


def recalc(paths: list[Path], outdir: Path) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate, save as .xlsx into ``outdir`` (one soffice run)."""
    require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    _run(["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), *map(str, paths)], outdir.parent)
    return [outdir / (p.stem + ".xlsx") for p in paths]


def to_pdf(path: Path, outdir: Path) -> Path:
    require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    _run(["--convert-to", "pdf", "--outdir", str(outdir), str(path)], outdir.parent)
    return outdir / (path.stem + ".pdf")


def to_png(pdf: Path, prefix: Path, dpi: int = 50) -> list[Path]:
    if not PDFTOPPM:
        pytest.skip("pdftoppm not installed")
    prefix.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([PDFTOPPM, "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True, timeout=120)
    return sorted(prefix.parent.glob(prefix.name + "*.png"))
