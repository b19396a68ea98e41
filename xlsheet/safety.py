"""Pre-flight checks that refuse corrupt, renamed or hostile files before any XML parser or reader sees them.

Costs about a millisecond: only the zip central directory and the first bytes of each XML part are read.
Limits (generous for a real annual-report workbook, which is tens of KB):
* file size ≤ 20 MB; sum of uncompressed parts ≤ 60 MB; ≤ 2000 parts;
* a part larger than 1 MB must not be compressed more than 100:1 (decompression bombs);
* no XML part may carry a DTD (<!DOCTYPE / <!ENTITY): OOXML never needs one, and entity tricks
  (billion laughs, XXE) all need it.  defusedxml stays installed underneath as a second line of defence.
"""
from __future__ import annotations

import os
import zipfile

from .errors import InvalidWorkbookError

MAX_FILE = 20 * 1024 * 1024
MAX_TOTAL = 60 * 1024 * 1024
MAX_PARTS = 2000
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024


def _sniff(head: bytes) -> str:
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "这是旧版 .xls / .doc 文件或加密文件，请在 Excel 或 WPS 中“另存为” .xlsx 后再试"
    lowered = head[:512].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "这是网页（HTML）文件被改了扩展名，请在 Excel 或 WPS 中“另存为” .xlsx 后再试"
    if head[:1] in (b"{", b"["):
        return "这是文本数据文件，不是 Excel 工作簿"
    if head.startswith(b"PK"):
        return "文件已损坏或不完整（可能下载或拷贝中断），请重新获取原文件"
    return "文件内容不是 Excel 工作簿（.xlsx），可能是其他类型的文件被改了扩展名或文件已损坏"


def preflight(path: str | os.PathLike, required: tuple[str, ...] = ("[Content_Types].xml", "xl/workbook.xml"),
              kind: str = "Excel 工作簿") -> None:
    """Raise :class:`InvalidWorkbookError` (Chinese message) unless ``path`` is a sane OOXML zip package."""
    name = os.fspath(path)
    shown = os.path.basename(name)
    if not os.path.exists(name):
        raise InvalidWorkbookError(f"找不到文件：{name}")
    if os.path.isdir(name):
        raise InvalidWorkbookError(f"“{shown}”是文件夹，不是{kind}")
    size = os.path.getsize(name)
    if size == 0:
        raise InvalidWorkbookError(f"“{shown}”是空文件（0 字节）")
    if size > MAX_FILE:
        raise InvalidWorkbookError(f"“{shown}”过大（{size // 1024 // 1024} MB），年报{kind}不应超过 20 MB")
    with open(name, "rb") as fh:
        head = fh.read(1024)
    try:
        zf = zipfile.ZipFile(name)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise InvalidWorkbookError(f"无法打开“{shown}”：{_sniff(head)}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise InvalidWorkbookError(f"“{shown}”内部部件过多（{len(infos)} 个），已拒绝读取")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL:
            raise InvalidWorkbookError(
                f"“{shown}”解压后过大（{total // 1024 // 1024} MB），疑似“压缩炸弹”，已拒绝读取")
        for i in infos:
            if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise InvalidWorkbookError(
                    f"“{shown}”中的部件 {i.filename} 压缩比异常（{i.file_size // max(i.compress_size, 1)}:1），"
                    "疑似“压缩炸弹”，已拒绝读取")
        names = {i.filename for i in infos}
        missing = [r for r in required if r not in names]
        if missing:
            raise InvalidWorkbookError(f"“{shown}”不是{kind}（缺少 {', '.join(missing)}），可能是其他 Office 文件改了扩展名")
        try:
            for i in infos:
                if i.filename.endswith((".xml", ".rels", ".vml")):
                    with zf.open(i) as part:
                        start = part.read(4096).lower()
                    if b"<!doctype" in start or b"<!entity" in start:
                        raise InvalidWorkbookError(
                            f"“{shown}”的部件 {i.filename} 含有 XML 实体声明（DTD），这是恶意文件的特征，已拒绝读取")
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise InvalidWorkbookError(f"“{shown}”已损坏，无法读取（{type(exc).__name__}）") from None
