"""Defined names that tie a workbook's cells to spec keys.

Every input cell gets a workbook-scoped name, so a clerk who inserts rows or renames a sheet (Excel updates
names) does not break reading.  Names start with ``xs_`` so they can never be mistaken for a cell reference.
"""
from __future__ import annotations

PREFIX = "xs_"
FORMAT = "xs_format"  # constant name: "v2019" | "v2021"
REVISION = "xs_revision"  # constant name: spec revision the workbook was built with
VARIANTS = "xs_variants"  # constant name: comma-separated local variants, may be empty
ORIGIN = "xs_origin"  # constant name: "published" when imported from a published report (validate --published)
ORIGIN_PUBLISHED = "published"


def input_name(key: str) -> str:
    """``t3.new.natural`` → ``xs_t3_new_natural``."""
    return PREFIX + key.replace(".", "_")


def meta_name(key: str) -> str:
    return f"{PREFIX}meta_{key}"


def text_name(key: str) -> str:
    return f"{PREFIX}text_{key}"


def anchor_name(table_key: str) -> str:
    """Top-left cell of an official table's grid on its sheet."""
    return f"{PREFIX}anchor_{table_key}"


def status_name(sheet_key: str) -> str:
    return f"{PREFIX}status_{sheet_key}"


def check_name(rule_id: str, instance: str) -> str:
    return f"{PREFIX}chk_{rule_id}_{instance}".replace("-", "_").replace(".", "_")
