"""Clean reports to mutate in validation tests (real workbooks, written and read back)."""
from __future__ import annotations

import copy
import datetime as dt
from functools import lru_cache
from pathlib import Path
import tempfile

from xlsheet import read
from xlsheet.spec import spec_for_year
from xlsheet.workbook.create import new_workbook
from tests.conftest import EXAMPLES

NARRATIVE = {
    "s1_intro": "本年度认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "s1_active": "主动公开工作有序开展。", "s1_request": "依申请公开工作依法办理。",
    "s1_manage": "信息管理规范。", "s1_platform": "平台建设稳步推进。", "s1_oversight": "监督保障有力。",
    "s5": "存在问题及改进措施：加强培训。", "s6": "本年度无其他需要报告的事项。",
}
META = {"basis_local": "", "portal_name": "某市人民政府门户网站", "portal_url": "http://www.example.gov.cn",
        "contact_office": "某局办公室", "address": "某市某路1号", "postcode": "100000", "phone": "010-12345678"}


@lru_cache(maxsize=None)
def _clean_2019(jilin: bool):
    spec = spec_for_year(2020)
    values = {k: 0 for k in spec.fields if not (k.startswith("t2.publish") and not jilin)}
    tmp = Path(tempfile.mkdtemp()) / "clean2020.xlsx"
    new_workbook(tmp, 2020, "某市某区教育局", variants=["jilin"] if jilin else [], values=values,
                 meta=dict(META, signoff_date=dt.date(2021, 1, 20)), narrative=NARRATIVE)
    return read(tmp)


@lru_cache(maxsize=None)
def _demo():
    return read(EXAMPLES / "demo_2024.xlsx")


def clean(fmt: str = "v2021", jilin: bool = False):
    """A fresh deep copy of a clean report (errors: none) of the given format."""
    return copy.deepcopy(_demo() if fmt == "v2021" else _clean_2019(jilin))
