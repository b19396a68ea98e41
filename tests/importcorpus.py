"""A corpus of published-report layouts, generated (no committed binaries): the official tables of a spec filled
with distinct numbers (so a shifted number can never pass for the right one), each layout quirk seen in real
reports applied to them, and each variant written as a text dump (.txt, like the seeds), a portal page (.html,
GBK or UTF-8, rowspan/colspan) and a Word document (.docx, merges as w:gridSpan and w:vMerge, as Word writes them).

Tables are modelled like HTML: rows of :class:`C` (text, colspan, rowspan), positions resolved by occupancy.
A quirk returns the changed tables plus what it does to the numbers: keys that must come back blank and how
many numbers must be listed as not placed.  The seed texts are used too: :func:`seed_variant` renumbers a
seed's numeric cells and applies the same kind of quirks to its text.
"""
from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal

from xlsheet.spec import load_spec
from xlsheet.values import State

from tests.seedgrid import SEEDS


@dataclass
class C:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Variant:
    name: str
    tables: list  # [t2, t3, t4], each a list of rows of C (a split table is two entries)
    truth: dict  # key → number or None (blank)
    unplaced: int = 0
    paragraphs_before: list = field(default_factory=list)


def printed(value, kind) -> str:
    if value is None:
        return ""
    if kind == "delta":
        return f"{value:+d}" if value else "0"
    return str(value)


def truth_values(fmt: str, blanks=()) -> dict:
    """Every input of ``fmt`` with a distinct value (signed for 本年增/减, decimals for 万元)."""
    spec = load_spec(fmt)
    out = {}
    for n, f in enumerate(spec.fields_for(frozenset()), start=1):
        if f.kind == "delta":
            out[f.key] = n if n % 2 else -n
        elif f.kind == "amount":
            out[f.key] = Decimal(n) + Decimal("0.5")
        else:
            out[f.key] = n * 3 + 1
    for key in blanks:
        out[key] = None
    return out


def official_tables(fmt: str, truth: dict, year: int) -> list:
    spec = load_spec(fmt)
    tables = []
    for key in ("t2", "t3", "t4"):
        table = spec.table(key)
        rows = []
        for row in table.rows_for(frozenset()):
            cells = []
            for cell in sorted(row.cells, key=lambda c: c.col):
                text = printed(truth[cell.key], cell.kind) if cell.is_input else cell.label(year)
                cells.append(C(text, cell.colspan, cell.rowspan))
            rows.append(cells)
        tables.append(rows)
    return tables


# ------------------------------------------------------------------------------------------------ geometry

def positions(rows) -> list[list[tuple[int, C]]]:
    """Per row, (grid column, cell) of the cells that start there (rowspans from above skipped)."""
    taken: dict[tuple[int, int], bool] = {}
    out = []
    for r, row in enumerate(rows):
        col, placed = 0, []
        for cell in row:
            while (r, col) in taken:
                col += 1
            placed.append((col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, col + dc)] = True
            col += cell.colspan
        out.append(placed)
    return out


def width(rows) -> int:
    return max((col + c.colspan for row in positions(rows) for col, c in row), default=0)


# ------------------------------------------------------------------------------------------------ writers

def dump_rows(rows) -> list[list[str]]:
    """The text-dump shape: a vertical merge's continuation is an empty cell, a horizontal merge appears once."""
    pos = positions(rows)
    covering: dict[tuple[int, int], tuple[int, C]] = {}
    for r, row in enumerate(pos):
        for col, c in row:
            for dr in range(1, c.rowspan):
                covering[(r + dr, col)] = (col, c)
    out = []
    for r, row in enumerate(pos):
        starts = {col: c for col, c in row}
        line, col, ncols = [], 0, width(rows)
        while col < ncols:
            if col in starts:
                line.append(starts[col].text)
                col += starts[col].colspan
            elif (r, col) in covering:
                line.append("")
                col += covering[(r, col)][1].colspan
            else:
                col += 1
        out.append(line)
    return out


def to_text(paragraphs: list, tables: list) -> str:
    out = []
    for item in _document(paragraphs, tables):
        if isinstance(item, str):
            out.append(item)
            continue
        for row in item:
            out.extend("\t" + cell.replace("\n", "\n") for cell in row)
            out.append("")
    return "\n".join(out) + "\n"


def _document(paragraphs: list, tables: list):
    """Paragraphs with the tables after their section headings (tables after a "--table--" marker)."""
    queue = list(tables)
    for p in paragraphs:
        if p == "--table--":
            yield dump_rows(queue.pop(0)) if queue else []
        else:
            yield p
    for t in queue:
        yield dump_rows(t)


def _cell_html(text: str) -> str:
    # a no-break space as portals write it (GBK has no such character): &nbsp;
    return html.escape(text).replace(chr(10), "<br>").replace("\u00a0", "&nbsp;")


def to_html(paragraphs: list, tables: list, encoding: str = "utf-8", declare: bool = True) -> bytes:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">' if declare else ""
    body = []
    queue = list(tables)
    for p in paragraphs:
        if p == "--table--":
            rows = queue.pop(0)
            trs = []
            for row in rows:
                tds = "".join(
                    f"<td{f' colspan={c.colspan}' if c.colspan > 1 else ''}"
                    f"{f' rowspan={c.rowspan}' if c.rowspan > 1 else ''}>{_cell_html(c.text)}</td>"
                    for c in row)
                trs.append(f"<tr>{tds}</tr>")
            body.append(f'<table border="1" cellspacing="0">{"".join(trs)}</table>')
        else:
            body.append(f"<p>{html.escape(p)}</p>")
    page = (f"<!DOCTYPE html><html><head>{meta}<title>门户网站</title></head><body><div class='article'>"
            f"{''.join(body)}</div></body></html>")
    return page.encode(encoding)


def to_docx(paragraphs: list, tables: list, path) -> None:
    """A Word document whose tables carry the merges as Word writes them: w:gridSpan for a horizontal merge,
    w:vMerge restart/continue for a vertical one (a short row simply ends early)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def el(tag, **attrs):
        e = OxmlElement(tag)
        for k, v in attrs.items():
            e.set(qn(k), str(v))
        return e

    d = docx.Document()
    queue = list(tables)
    for p in paragraphs:
        if p != "--table--":
            d.add_paragraph(p)
            continue
        rows = queue.pop(0)
        pos = positions(rows)
        ncols = width(rows)
        covering = {}
        for r, row in enumerate(pos):
            for col, c in row:
                for dr in range(1, c.rowspan):
                    covering[(r + dr, col)] = c
        tbl = el("w:tbl")
        grid = el("w:tblGrid")
        for _ in range(ncols):
            grid.append(el("w:gridCol", **{"w:w": 600}))
        tbl.append(grid)
        for r, row in enumerate(pos):
            tr = el("w:tr")
            starts = {col: c for col, c in row}
            col = 0
            while col < ncols:
                c, cont = starts.get(col), False
                if c is None and (r, col) in covering:
                    c, cont = covering[(r, col)], True
                if c is None:
                    col += 1
                    continue
                tc = el("w:tc")
                pr = el("w:tcPr")
                if c.colspan > 1:
                    pr.append(el("w:gridSpan", **{"w:val": c.colspan}))
                if cont:
                    pr.append(el("w:vMerge"))
                elif c.rowspan > 1:
                    pr.append(el("w:vMerge", **{"w:val": "restart"}))
                tc.append(pr)
                for line in ([""] if cont else c.text.split("\n")):
                    para = el("w:p")
                    run = el("w:r")
                    t = el("w:t")
                    t.text = line
                    run.append(t)
                    para.append(run)
                    tc.append(para)
                tr.append(tc)
                col += c.colspan
            tbl.append(tr)
        d.element.body.insert(len(d.element.body) - 1, tbl)  # before the final w:sectPr
    d.save(path)


# ------------------------------------------------------------------------------------------------ documents

def paragraphs(year: int, agency: str, title: str | None = None) -> list:
    return [title or f"{agency}{year}年政府信息公开工作年度报告",
            f"本报告统计期限自{year}年1月1日起至{year}年12月31日止。",
            "一、总体情况", "本年度依法做好政府信息公开工作。",
            "二、主动公开政府信息情况", "--table--",
            "三、收到和处理政府信息公开申请情况", "--table--",
            "四、政府信息公开行政复议、行政诉讼情况", "--table--",
            "五、存在的主要问题及改进情况", "继续改进。", "六、其他需要报告的事项", "无。"]


def write(variant: Variant, kind: str, path, year: int, agency: str, title: str | None = None):
    paras = paragraphs(year, agency, title)
    if len(variant.tables) > 3:  # a table split across pages: both parts after the same heading
        i = paras.index("三、收到和处理政府信息公开申请情况")
        paras.insert(i + 2, "--table--")
    if kind == "txt":
        path.write_text(to_text(paras, variant.tables), encoding="utf-8")
    elif kind == "html":
        path.write_bytes(to_html(paras, variant.tables, "gbk"))
    elif kind == "html-utf8-undeclared":
        path.write_bytes(to_html(paras, variant.tables, "utf-8", declare=False))
    elif kind == "html-gbk-undeclared":
        path.write_bytes(to_html(paras, variant.tables, "gbk", declare=False))
    else:
        to_docx(paras, variant.tables, path)
    return path


# ------------------------------------------------------------------------------------------------ quirks

def _data_rows(rows):
    return [i for i, row in enumerate(rows) if any(re.fullmatch(r"[+\-]?[\d.]+", c.text) for c in row)]


def _t3_first_data(rows) -> int:
    return _data_rows(rows)[0]


def variants(fmt: str, year: int) -> list[Variant]:
    spec = load_spec(fmt)
    base_truth = truth_values(fmt)
    base = official_tables(fmt, base_truth, year)
    out = [Variant("official", copy.deepcopy(base), dict(base_truth))]

    # Labels in fewer, unmerged cells: each 表三 row's labels in one cell, the header's label block one cell.
    t2, t3, t4 = copy.deepcopy(base)
    label_cols = 3
    merged = []
    parents: dict[int, str] = {}
    for rows_i, row in enumerate(positions(t3)):
        cells = []
        labels = []
        for col, c in row:
            if col < label_cols and not re.fullmatch(r"[+\-]?[\d.]*", c.text or "x"):
                labels.append(c.text)
                if c.rowspan > 1:
                    for dr in range(c.rowspan):
                        parents[rows_i + dr] = c.text
            else:
                cells.append(C(c.text, c.colspan, c.rowspan))
        if rows_i < 3:  # header rows: the label block becomes one 1-column cell on the first row
            head = [C(labels[0], 1, 3)] if labels else []
            merged.append(head + cells)
            continue
        text = "".join(dict.fromkeys(([parents[rows_i]] if rows_i in parents and parents[rows_i] not in labels
                                      else []) + labels))
        merged.append([C(text)] + cells)
    out.append(Variant("labels-in-fewer-cells", [t2, merged, t4], dict(base_truth)))

    # Merged labels: the same one-cell labels, each merged across the three official label columns.
    t2, _, t4 = copy.deepcopy(base)
    across = [[C(row[0].text, 3, row[0].rowspan)] + row[1:] if i == 0 or i >= 3 else row
              for i, row in enumerate(copy.deepcopy(merged))]
    out.append(Variant("merged-labels", [t2, across, t4], dict(base_truth)))

    # One extra local row plus a cut-off row: the row count stays the official one.
    t2, t3, t4 = copy.deepcopy(base)
    data = _data_rows(t2)
    cut = data[1]  # the second data row of 表二 (规范性文件 / 行政规范性文件)
    cut_label = t2[cut][0].text
    truth = dict(base_truth)
    for f in spec.fields_for(frozenset()):
        if f.table == "t2" and spec.table("t2").row(f.row_key).cells[0].text == cut_label:
            truth[f.key] = None
    local = [C("其中：本地特色事项")] + [C(str(900 + i)) for i in range(len(t2[data[-1]]) - 1)]
    del t2[cut]
    t2.insert(_data_rows(t2)[-1] + 1, local)
    out.append(Variant("extra-local-row-and-cut-off-row", [t2, t3, t4], truth, unplaced=len(local) - 1))

    # Extra local row in 表三 right after 一、本年新收 (its numbers are listed, nothing shifts).
    t2, t3, t4 = copy.deepcopy(base)
    first = _t3_first_data(t3)
    t3.insert(first + 1, [C("其中：网上申请", 3)] + [C(str(700 + i)) for i in range(7)])
    out.append(Variant("extra-local-row-t3", [t2, t3, t4], dict(base_truth), unplaced=7))

    # A row whose last cell is missing (an empty trailing cell): the total comes back blank, nothing shifts.
    t2, t3, t4 = copy.deepcopy(base)
    first = _t3_first_data(t3)
    t3[first] = t3[first][:-1]
    truth = dict(base_truth, **{"t3.new.total": None})
    out.append(Variant("missing-trailing-cell", [t2, t3, t4], truth))

    # Trailing separator: an extra empty cell at the end of every 表三 data row.
    t2, t3, t4 = copy.deepcopy(base)
    for i in _data_rows(t3):
        t3[i] = t3[i] + [C("")]
    out.append(Variant("trailing-separator", [t2, t3, t4], dict(base_truth)))

    # Trailing zero cells (0 is a number, not nothing).
    zeros = {k: (0 if k.startswith("t3.") and k.rsplit(".", 1)[1] in ("legal", "other_org", "total") else v)
             for k, v in base_truth.items()}
    out.append(Variant("trailing-zeros", official_tables(fmt, zeros, year), zeros))

    # Blank zeros: cells published blank stay blank.
    blanks = [k for k in base_truth if k.startswith("t3.") and k.endswith(".research")] + [
        "t4.review.pending", "t4.after_review.total", "t3.next.total", "t3.open.total"]  # trailing cells too
    truth = truth_values(fmt, blanks)
    out.append(Variant("blank-cells", official_tables(fmt, truth, year), truth))

    # Blank cells printed as "nothing" marks ("—", "/", a full-width dash, a lone no-break space, "无"), at a
    # row's end, between numbers, and as the only value of a 表二 row: blank, never a label (a mark taken for
    # the row's label pushed the numbers before it out of the row and renamed the row).
    marks = ["—", "/", "－", "\u00a0", "无"]
    t2_rows = [[c.key for c in r.cells if c.is_input] for r in spec.table("t2").rows_for(frozenset())
               if r.role == "data"]
    lone = min((keys for keys in t2_rows if keys), key=len)  # a 表二 row with nothing but marks
    truth = truth_values(fmt, blanks + lone)
    tables = official_tables(fmt, truth, year)
    shown = iter(marks * len(truth))
    for t, key in zip(tables, ("t2", "t3", "t4")):
        cells = [c for r in spec.table(key).rows_for(frozenset()) for c in sorted(r.cells, key=lambda c: c.col)]
        printed_cells = [c for row in t for c in row]
        for spec_cell, out_cell in zip(cells, printed_cells):
            if spec_cell.is_input and truth[spec_cell.key] is None:
                out_cell.text = next(shown)
    out.append(Variant("dash-and-slash-blanks", tables, truth))

    # Repeated header rows in the middle of 表三 (a page break in Word).
    t2, t3, t4 = copy.deepcopy(base)
    mid = _data_rows(t3)[8]
    _drop_crossing_rowspans(t3, mid)
    t3[mid:mid] = copy.deepcopy(t3[:3])
    out.append(Variant("repeated-header", [t2, t3, t4], dict(base_truth)))

    # 表三 split across pages into two tables, the second with the header repeated.
    t2, t3, t4 = copy.deepcopy(base)
    mid = _data_rows(t3)[10]
    head = copy.deepcopy(t3[:3])
    first_part, second_part = t3[:mid], t3[mid:]
    _drop_crossing_rowspans(first_part + second_part, mid)
    second = head + second_part
    out.append(Variant("split-table-with-header", [t2, first_part, second, t4], dict(base_truth)))

    # … and without a repeated header.
    t2, t3, t4 = copy.deepcopy(base)
    first_part, second_part = t3[:mid], t3[mid:]
    _drop_crossing_rowspans(first_part + second_part, mid)
    out.append(Variant("split-table", [t2, first_part, second_part, t4], dict(base_truth)))
    return out


def _drop_crossing_rowspans(rows, at: int) -> None:
    """Cut the vertical merges that cross row ``at`` (a table broken there), repeating their text below."""
    pos = positions(rows)
    for r, row in enumerate(pos[:at]):
        for index, (col, c) in enumerate(row):
            if r + c.rowspan > at:
                below = r + c.rowspan - at
                c.rowspan = at - r
                target = rows[at]
                insert_at = sum(1 for pcol, _ in pos[at] if pcol < col)
                target.insert(insert_at, C(c.text, c.colspan, below))
                pos = positions(rows)


def check(imported, truth: dict) -> list[str]:
    """Differences between a read workbook and the truth: [] when every number is where it belongs."""
    wrong = []
    for key, want in truth.items():
        got = imported.value(key)
        if want is None:
            if got.state is not State.BLANK:
                wrong.append(f"{key}: expected blank, got {got.raw!r}")
        elif not got.is_number or Decimal(str(got.number)) != Decimal(str(want)):
            wrong.append(f"{key}: expected {want}, got {got.raw!r}")
    return wrong


# ------------------------------------------------------------------------------------------------ seed texts

def seed_variant(seed: str, quirk: str) -> tuple[str, int]:
    """A seed's text with its numeric table cells renumbered 1, 2, 3 … and ``quirk`` applied to its text:
    "trailing-separator" (an extra empty cell after every 表三 data row) or "repeated-header" (表三's three
    header rows printed again before 三、本年度办理结果).  Returns (text, numbers added by the quirk)."""
    lines = SEEDS[seed].read_text(encoding="utf-8").split("\n")
    counter = iter(range(1, 10_000))
    out = []
    for line in lines:
        if line.startswith("\t") and re.fullmatch(r"[+\-]?\d+(\.\d+)?", line[1:].strip()):
            line = f"\t{next(counter)}"
        out.append(line)
    if quirk == "trailing-separator":
        inside, lines, out = False, out, []
        for i, line in enumerate(lines):
            inside = inside or line.startswith("\t（本列数据的勾稽关系")
            inside = inside and not line.startswith("\t行政复议")
            if inside and line == "" and i and re.fullmatch(r"\t\d+", lines[i - 1]):
                out.append("\t")
            out.append(line)
    text = "\n".join(out)
    if quirk == "repeated-header":
        start = text.index("\t（本列数据的勾稽关系")
        end = text.index("\t一、本年新收")
        header = text[start:end]
        where = text.index("\t三、本年度办理结果")
        text = text[:where] + header + text[where:]
    return text, 0
