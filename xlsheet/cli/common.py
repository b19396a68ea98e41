"""Pieces every sub-command shares."""
from __future__ import annotations


def overwrite_option(parser) -> None:
    parser.add_argument("--overwrite", action="store_true", help="允许覆盖已有文件（原文件先备份为 .bak）")
