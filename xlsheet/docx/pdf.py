"""DOCX → PDF through LibreOffice (``soffice --headless --convert-to pdf``), when it is installed.

LibreOffice runs with a throw-away profile (so a LibreOffice window the clerk has open does not swallow the job)
and, on Linux, with fontconfig aliases mapping the official font names to installed CJK faces of the same style
(楷体 → AR PL UKai; 仿宋 → Noto Serif CJK SC, because no free 仿宋 with mainland glyph forms is packaged and UKai
uses Taiwan-style punctuation; 黑体 → Noto Sans CJK, 小标宋/宋体 → Noto Serif CJK); on Windows the real fonts are used.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import XlsheetError

TIMEOUT_S = 180

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>方正小标宋简体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>楷体_GB2312</family><prefer><family>AR PL UKai CN</family></prefer></alias>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
</fontconfig>
"""

NOT_INSTALLED = ("生成 PDF 需要 LibreOffice，但本机未找到 soffice。请安装 LibreOffice（https://zh-cn.libreoffice.org）"
                 "后重试，或用 Word/WPS 打开生成的 DOCX，另存为 PDF。")


class PdfUnavailableError(XlsheetError):
    """LibreOffice is not installed, or it could not convert the document."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _for_libreoffice(docx_path: Path, tmp: Path) -> Path:
    """A copy of the DOCX without the condensed character spacing of 3号 text (``fonts.CONDENSE_TW``).

    Why: with characters condensed, LibreOffice (7.4, checked here) drops a punctuation mark that falls just after a
    full 28-character line — "主动公开政府信息情况、收到…" printed as "…情况⏎收到…", the 、 gone from the PDF.
    Losing text is worse than a line of 27 characters, so the PDF is made at normal spacing; the DOCX itself keeps
    the 28-character lines for Word."""
    import zipfile

    from .fonts import CONDENSE_TW

    out = tmp / docx_path.name
    condensed = f'<w:spacing w:val="{CONDENSE_TW}"/>'.encode()
    with zipfile.ZipFile(docx_path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/styles.xml":
                data = data.replace(condensed, b"")
            dst.writestr(item, data)
    return out


def docx_to_pdf(docx_path, pdf_path) -> Path:
    """Convert ``docx_path`` to ``pdf_path`` (written directly; callers use fileio.atomic_write around it).
    The conversion reads a copy made by :func:`_for_libreoffice`."""
    exe = soffice()
    if exe is None:
        raise PdfUnavailableError(NOT_INSTALLED)
    docx_path, pdf_path = Path(docx_path), Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="xlsheet-pdf-") as tmp:
        tmp = Path(tmp)
        conf = tmp / "fonts.conf"
        conf.write_text(FONTS_CONF, encoding="utf-8")
        env = dict(os.environ, FONTCONFIG_FILE=str(conf))
        docx_path = _for_libreoffice(docx_path, tmp)
        cmd = [exe, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(tmp / "out"), str(docx_path)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, env=env)
        except subprocess.TimeoutExpired:
            raise PdfUnavailableError(f"LibreOffice 在 {TIMEOUT_S} 秒内未完成 PDF 转换，请稍后重试。") from None
        made = tmp / "out" / (docx_path.stem + ".pdf")
        if proc.returncode != 0 or not made.is_file():
            raise PdfUnavailableError("LibreOffice 未能把报告转换为 PDF。请用 Word/WPS 打开 DOCX，另存为 PDF。")
        shutil.copyfile(made, pdf_path)
    return pdf_path
