"""Many distinct unit workbooks, fast: a few real workbooks written by xlsheet (``new_workbook``), then varied by
patching their cell XML — agency name, figures multiplied by an integer factor (every 勾稽 rule is linear, so a valid
unit stays valid), narrative text, year — and re-zipping.  ~2 ms a unit instead of ~100 ms through openpyxl.

Used by ``benchmarks/run.py`` (national-scale mode: 20,000 units) and by ``tests/test_rollup.py``.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

NARRATIVE = {
    "s1_intro": "本年度认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "s1_active": "主动公开工作有序开展。", "s1_request": "依申请公开工作依法办理。",
    "s1_manage": "信息管理规范。", "s1_platform": "平台建设稳步推进。", "s1_oversight": "监督保障有力。",
    "s5": "存在问题及改进措施：加强培训。", "s6": "本年度无其他需要报告的事项。", "s6_fee": "本年度未收取信息处理费。",
}
META = {"basis_local": "", "portal_name": "某市人民政府门户网站", "portal_url": "http://www.example.gov.cn",
        "contact_office": "某局办公室", "address": "某市某路1号", "postcode": "100000", "phone": "010-12345678"}
#: A copied template (雷同): only the name and the figure change from unit to unit.
COPIED = "{name}高度重视政府信息公开工作，健全工作机制，规范公开流程，全年主动公开政府信息{n}条，切实保障公众知情权和监督权。"
_WORDS = ("围绕中心工作", "深化政务公开", "优化营商环境", "加强政策解读", "回应社会关切", "规范依申请公开办理",
          "推进基层政务公开标准化", "完善政府网站集约化", "强化信息发布审核", "做好重大决策预公开", "公开财政预决算",
          "推进乡村振兴领域信息公开", "加强公共卫生信息发布", "做好教育领域信息公开", "落实公平竞争审查")


def consistent_values(rng: random.Random, spec=None) -> dict:
    """A fully filled, internally consistent unit report of the 2021 format (random figures)."""
    from xlsheet.spec import load_spec

    spec = spec or load_spec("v2021")
    t3 = spec.table("t3")
    cols = t3.value_keys[:-1]
    v = {}
    for col in cols:
        results = {r.key: rng.randint(0, 4) for r in t3.tagged("result")}
        total, nxt = sum(results.values()), rng.randint(0, 3)
        carry = rng.randint(0, total + nxt)
        v.update({f"t3.{k}.{col}": n for k, n in results.items()})
        v.update({f"t3.total.{col}": total, f"t3.next.{col}": nxt, f"t3.carry.{col}": carry,
                  f"t3.new.{col}": total + nxt - carry})
    for row in t3.data_rows():
        v[f"t3.{row.key}.total"] = sum(v[f"t3.{row.key}.{c}"] for c in cols)
    for g in ("review", "direct", "after_review"):
        parts = [rng.randint(0, 2) for _ in range(4)]
        v.update({f"t4.{g}.{k}": n for k, n in zip(("upheld", "corrected", "other", "pending"), parts)})
        v[f"t4.{g}.total"] = sum(parts)
    for k in spec.fields:
        if k.startswith("t2."):
            v[k] = rng.randint(0, 50) if spec.fields[k].kind != "amount" else round(rng.uniform(0, 20), 2)
    return v


def write_unit(path, year: int, values: dict, agency: str, narrative: dict | None = None) -> Path:
    """A real unit workbook written by xlsheet itself."""
    from xlsheet.workbook.create import new_workbook

    return new_workbook(path, year, agency, values=values, narrative=dict(NARRATIVE, **(narrative or {})),
                        meta=dict(META, signoff_date=dt.date(year + 1, 1, 20)))


def random_text(rng: random.Random, name: str) -> str:
    """A unit's own 概述 (no two alike)."""
    parts = rng.sample(_WORDS, 5)
    return f"{name}" + "，".join(parts) + f"，全年主动公开政府信息{rng.randint(10, 9999)}条，办理申请{rng.randint(0, 99)}件。"


class Template:
    """A workbook written by xlsheet, ready to be re-emitted with other cell contents."""

    def __init__(self, path, values: dict):
        self.values = values
        with zipfile.ZipFile(path) as zf:
            self.parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
        wb = self.parts["xl/workbook.xml"].decode("utf-8")
        rels = self.parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        targets = {m[2]: m[1] for m in re.finditer(r'<Relationship\b[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        sheets = {}
        for m in re.finditer(r'<sheet\b[^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb):
            t = targets[m[2]]
            sheets[m[1]] = t.lstrip("/") if t.startswith("/") else "xl/" + t
        self.cells: dict[str, tuple[str, str]] = {}  # defined name → (part, cell ref)
        for m in re.finditer(r'<definedName name="([^"]+)">([^<]*)</definedName>', wb):
            ref = re.match(r"'?([^'!]+)'?!\$([A-Z]+)\$(\d+)$", m[2])
            if ref and ref[1] in sheets:
                self.cells[m[1]] = (sheets[ref[1]], f"{ref[2]}{ref[3]}")
        from xlsheet.workbook.names import input_name

        self.values = {k: v for k, v in values.items() if input_name(k) in self.cells}  # variant cells absent

    def emit(self, path, *, agency: str, factor: int = 1, year: int | None = None, intro: str | None = None,
             bump: str | None = None, overrides: dict | None = None) -> dict:
        """Write a variant to ``path``; returns its figures (by spec key).  ``agency`` and ``intro`` are written as
        XML text as given (so ``_x000B_`` is Excel's escape of a vertical tab)."""
        from xlsheet.workbook import names

        values = {k: (round(v * factor, 2) if isinstance(v, float) else v * factor) for k, v in self.values.items()}
        if bump:
            values[bump] += 1  # breaks the 勾稽 rules that involve this cell
        values.update(overrides or {})
        edits: dict[str, dict[str, object]] = {}
        for key, v in values.items():
            part, ref = self.cells[names.input_name(key)]
            edits.setdefault(part, {})[ref] = v
        for name, v in ((names.meta_name("agency"), agency), (names.meta_name("signoff_agency"), agency),
                        (names.meta_name("year"), year), (names.text_name("s1_intro"), intro)):
            if v is not None and name in self.cells:
                part, ref = self.cells[name]
                edits.setdefault(part, {})[ref] = v
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for part, data in self.parts.items():
                if part in edits:
                    data = _patch(data.decode("utf-8"), edits[part]).encode("utf-8")
                zf.writestr(part, data)
        return values


def _patch(xml: str, edits: dict[str, object]) -> str:
    def cell(m):
        ref, attrs = m[1], re.sub(r'\s+t="[^"]*"', "", m[2] or "")
        if ref not in edits:
            return m[0]
        v = edits[ref]
        if isinstance(v, str):
            return f'<c r="{ref}"{attrs} t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        return f'<c r="{ref}"{attrs} t="n"><v>{v!r}</v></c>'

    return re.sub(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>.*?</c>)', cell, xml, flags=re.S)


@dataclass
class Batch:
    """What a generated folder holds, so a test can compute the expected roll-up."""

    folder: Path
    summed: list[dict] = field(default_factory=list)  # figures of every unit that must be summed
    expected: dict[str, str] = field(default_factory=dict)  # file name → expected status
    copied: set[str] = field(default_factory=set)  # agencies sharing the copied 概述
    n_summed: int = 0


def make_batch(folder, n: int, *, seed: int = 2024, bases: int = 4, year: int = 2024, broken: float = 0.02,
               other_year: float = 0.01, unreadable: float = 0.01, duplicates: float = 0.02,
               copied: float = 0.1, keep_values: bool = True) -> Batch:
    """``n`` unit files in ``folder``: distinct valid units (own agency, scaled figures, own text), a share with the
    copied 概述 (雷同), broken totals (errors), another year (mismatch), truncated files (unreadable), and exact
    copies of earlier units (duplicate).  ``keep_values=False`` keeps only a count of the summed units (``n_summed``)
    so that generating 20,000 units does not weigh on a memory measurement."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    work = folder.parent / f".{folder.name}-bases"
    work.mkdir(exist_ok=True)
    templates = []
    for b in range(bases):
        values = consistent_values(rng)
        templates.append(Template(write_unit(work / f"base{b}.xlsx", year, values, f"基准单位{b}"), values))
    shutil.rmtree(work)
    batch = Batch(folder)
    plan = (["duplicate"] * round(n * duplicates) + ["unreadable"] * round(n * unreadable)
            + ["errors"] * round(n * broken) + ["mismatch"] * round(n * other_year))
    plan += ["passed"] * (n - len(plan))
    rng.shuffle(plan)
    written: list[Path] = []
    for i, kind in enumerate(plan):
        name = f"unit{i:05d}.xlsx"
        path = folder / name
        if kind == "duplicate" and not written:
            kind = "passed"
        batch.expected[name] = kind
        if kind == "duplicate":
            shutil.copyfile(rng.choice(written), path)
            continue
        if kind == "unreadable":
            path.write_bytes(templates[0].parts["xl/workbook.xml"][:500])
            continue
        agency = f"某省某市第{i}号单位"
        tpl = rng.choice(templates)
        factor = rng.randint(1, 9)
        is_copy = rng.random() < copied
        intro = COPIED.format(name=agency, n=rng.randint(1, 500)) if is_copy else random_text(rng, agency)
        if kind == "errors":
            tpl.emit(path, agency=agency, factor=factor, intro=intro, bump="t3.new.natural")
        elif kind == "mismatch":
            tpl.emit(path, agency=agency, factor=factor, intro=intro, year=year - 1)
        else:
            values = tpl.emit(path, agency=agency, factor=factor, intro=intro)
            batch.n_summed += 1
            if keep_values:
                batch.summed.append(values)
            if is_copy:
                batch.copied.add(agency)
        written.append(path)
    return batch
