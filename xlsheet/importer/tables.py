"""Aligning a published report's tables with the spec, accounting for every number.

Contract: every cell of a source table that holds a number is either **placed** in exactly one input of the spec
(and the label it was matched by is recorded in ``Imported.placed``) or **listed** in ``Imported.unplaced`` with
the reason.  Nothing is matched by position alone:

* tables are recognised by their labels (a table without labels of its own right after a recognised one is its
  continuation, e.g. a table split across pages); the rows of one kind are read as one table;
* rows by their normalised labels (:func:`xlsheet.labelkey.label_key`: bracket widths, spaces, 、/，/. variants,
  enumerators, known typos), in the spec's order; a row the spec does not have (a local row) is not matched, a
  row the report lacks (cut off) stays blank; header rows, repeated or not, are never data;
* columns by the header and the merge geometry (gridSpan/vMerge, colspan/rowspan) when the source has it; in a
  text dump, which has none, the values after the row's label in order (a trailing empty cell or separator is
  not a value, a missing trailing cell stays blank).

A clean number is written as that number; a number printed with spaces, full-width digits, thousands separators
or a unit ("　0", "1,024", "104.85万元") as the number it states, listed in ``Imported.normalised``; an amount
printed in 元 in a 万元 column becomes 万元 with a note; anything else stays the printed text (the validator then
says it is not a number).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..dump import Dump, SrcCell, norm, spec_table_cells
from ..labelkey import flat, label_key

PUBLISH = re.compile(r"(\d{4})年本行政区域（或本部门）政府信息公开发布总数量（非新闻类、消息类）[：:]\s*(\S*)")
_PUBLISH_LABEL = "发布总数量"
NUMBER = re.compile(r"^[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:万元|元|件|条|个|项|次)?$"
                    r"|^[+\-]?\d+(?:\.\d+)?(?:万元|元|件|条|个|项|次)?$")
_YUAN = re.compile(r"^(\d+(?:\.\d+)?)元$")


@dataclass(frozen=True)
class Placed:
    """Where a published number went: the input ``key``, the text as printed, the source row's label."""

    key: str
    text: str
    label: str
    where: str


@dataclass(frozen=True)
class Unplaced:
    """A published number that was not placed, and why."""

    table: str
    where: str
    label: str
    text: str
    reason: str


def is_number(text: str | None) -> bool:
    """Does a cell state a number ("0", "　0", "+2", "1,234", "104.85万元", "251000元")?"""
    return bool(text) and bool(NUMBER.match(flat(text)))


#: What portals print in a value cell for "nothing" (after :func:`flat`: NFKC, no whitespace): read as a blank —
#: never as a row label (it would take the label's place and push the numbers before it out of the row), never as
#: 0 (a blank stays blank).
PLACEHOLDERS = frozenset({"-", "--", "---", "—", "——", "–", "―", "/", "//", "\\", "无", "空"})


def is_placeholder(text: str | None) -> bool:
    """Does a cell say "nothing" ("—", "/", "－", "无" …)?  Whitespace alone (a non-breaking space) counts too."""
    if text is None:
        return False
    plain = flat(text)
    return not plain or plain in PLACEHOLDERS


def published_value(text: str, kind: str):
    """A cell as published → what a clerk would have typed: a clean number as a number, else the text."""
    if text is None or text == "":
        return None
    plain = text.lstrip("+") if kind == "delta" else text
    if re.fullmatch(r"-?\d+(\.\d+)?", plain):
        try:
            d = Decimal(plain)
        except InvalidOperation:  # pragma: no cover
            return text
        return int(d) if d == d.to_integral_value() else float(d)
    return text


def normalised_value(text: str):
    """A printed number with spaces, full-width digits, thousands separators or a unit ("　0", "1,024",
    "104.85万元") → the number :func:`xlsheet.values.parse_cell` reads from it (int, or float as a clean decimal
    is); None when it reads no number.  Written as that number, the workbook's own checks (which see any text in
    a number cell as an error) and ``validate`` agree on it."""
    from ..values import parse_cell

    cell = parse_cell(text)
    if not cell.is_number:
        return None
    n = cell.number
    return n if isinstance(n, int) else float(n)


def yuan_to_wan(text: str):
    """"251000元" → 25.1 (万元); None when ``text`` is not an amount in 元."""
    m = _YUAN.match(flat(text))
    if not m:
        return None
    d = Decimal(m.group(1)) / 10000
    return int(d) if d == d.to_integral_value() else float(d)


# ------------------------------------------------------------------------------------------------ recognising

def _spec_label_keys(table) -> set[str]:
    return {label_key(c.text) for r in table.rows for c in r.cells if c.text and not c.is_input} - {""}


def classify(dump: Dump, spec) -> dict[str, list[int]]:
    """Table kind → indices of the dump's tables that hold it (continuations included), in document order."""
    keys = {t.key: _spec_label_keys(t) for t in spec.tables}
    unique = {k: v - set().union(*(w for j, w in keys.items() if j != k)) for k, v in keys.items()}
    found: dict[str, list[int]] = {}
    previous = None
    for i, rows in enumerate(dump.tables):
        texts = {label_key(c) for row in rows for c in row if c and not is_number(c)}
        scores = {k: len(texts & u) for k, u in unique.items()}
        kind = max(scores, key=scores.get)
        if scores[kind] < 2:
            kind = None
            if previous and any(is_number(c) for row in rows for c in row):
                kind = previous  # no labels of its own: the rest of the previous table (split across pages)
        if kind:
            found.setdefault(kind, []).append(i)
        previous = kind
    return found


# ------------------------------------------------------------------------------------------------ the spec side

@dataclass
class _SpecRow:
    row: object
    leaf: str
    path: str
    inputs: list


def _spec_rows(table, variants) -> list[_SpecRow]:
    out = []
    for row in table.rows_for(variants):
        if row.role != "data" or row.inline:
            continue
        inputs = sorted((c for c in row.cells if c.is_input), key=lambda c: c.col)
        first = inputs[0].col if inputs else table.ncols
        labels = []
        for col in range(first):
            cell = table.covering(row.index, col)
            if cell is not None and not cell.is_input and cell not in labels:
                labels.append(cell)
        own = [c for c in row.cells if not c.is_input]
        leaf = label_key(own[-1].text if own else (labels[-1].text if labels else ""))
        out.append(_SpecRow(row, leaf, "".join(label_key(c.text) for c in labels), inputs))
    return out


def _leaves(cells_by_col: dict[int, tuple[object, str]], ncols: int) -> list[tuple[int, int, str]]:
    """(first column, columns covered, label key) of each bottom header cell, left to right."""
    out: list[tuple[int, int, str]] = []
    last = None
    for col in range(ncols):
        if col not in cells_by_col:
            last = None
            continue
        ident, key = cells_by_col[col]
        if out and ident == last:
            start, width, k = out[-1]
            out[-1] = (start, width + 1, k)
        else:
            out.append((col, 1, key))
        last = ident
    return out


def _spec_header_groups(table) -> list[list[tuple[int, int, str]]]:
    groups, current = [], []
    for row in table.rows:
        if row.role == "data":
            if current:
                groups.append(current)
            current = []
        else:
            current.append(row.index)
    if current:
        groups.append(current)
    out = []
    for rows in groups:
        by_col = {}
        for r in rows:
            for col in range(table.ncols):
                cell = table.covering(r, col)
                if cell is not None:
                    by_col[col] = (cell, label_key(cell.text))
        out.append(_leaves(by_col, table.ncols))
    return out


# ------------------------------------------------------------------------------------------------ alignment

class _Aligner:
    """Aligns the source rows of one table kind with the spec table (see the module docstring)."""

    def __init__(self, imp, table, year: int):
        self.imp, self.table, self.year = imp, table, year
        self.rows = _spec_rows(table, imp.variants)
        self.used: set[int] = set()
        self.cursor = -1
        self.header_groups = _spec_header_groups(table)
        self.header_keys = {k for g in self.header_groups for _, _, k in g} | {
            label_key(c.text) for r in table.rows if r.role != "data" for c in r.cells if c.text}
        self.colmap: dict[int, int] | None = None
        self.group: list[list[SrcCell]] = []
        self.shape = {r.index: cells for r, cells in zip(table.rows_for(imp.variants),
                                                          spec_table_cells(table, imp.variants))}
        self.paired_headers: set[int] = set()
        self.data_row_placed = False

    # ---- reporting
    def unplaced(self, where: str, label: str, cells, reason: str) -> None:
        for c in cells:
            if is_number(c.text) and not c.cont:
                self.imp.unplaced.append(Unplaced(self.table.title, where, label, c.text.strip(), reason))

    def place(self, cell, src: SrcCell, label: str, where: str) -> bool:
        if cell.key in self.imp.placed or is_placeholder(src.text):  # "—", "/", a lone &nbsp;: left blank
            return False
        text = src.text.strip()
        value = published_value(src.text, cell.kind)
        if cell.kind == "amount" and isinstance(value, str) and yuan_to_wan(value) is not None:
            converted = yuan_to_wan(value)
            self.imp.problems.append(f"{self.table.title}：“{label}”的金额“{text}”以元填写，已换算为 {converted} 万元，请核对")
            value = converted
        elif isinstance(value, str):
            number = normalised_value(value)
            if number is not None:  # "　0", "1,024", "104.85万元": the number the validator would read
                self.imp.normalised.append((self.table.title, label, src.text, number))
                value = number
        self.imp.values[cell.key] = value
        self.imp.placed[cell.key] = Placed(cell.key, text, label, where)
        return True

    # ---- rows
    def feed(self, cells: list[SrcCell], where: str) -> None:
        cells = [self._strip_publish(c) for c in cells]
        if not any(c.text.strip() for c in cells):
            return
        numbers = [i for i, c in enumerate(cells) if not c.cont and is_number(c.text)]
        labels = [i for i, c in enumerate(cells) if not is_placeholder(c.text) and not is_number(c.text)]
        own_labels = [i for i in labels if not cells[i].cont]
        label_text = " / ".join(norm(cells[i].text) for i in labels) or "（无栏目名称）"
        if any(_PUBLISH_LABEL in norm(cells[i].text) for i in own_labels):
            self._publish_row(cells, numbers, label_text, where)
            return
        if self.table.key == "t4":
            self._t4_row(cells, numbers, labels, label_text, where)
            return
        if not own_labels:
            self.unplaced(where, label_text, cells, "这一行没有栏目名称")
            return
        last = max(own_labels)
        before = [cells[i] for i in numbers if i < last]
        if before:
            self.unplaced(where, label_text, before, "数字位于栏目名称之前")
        values = cells[last + 1:]
        leaf, path = label_key(cells[last].text), "".join(label_key(cells[i].text) for i in labels)
        if not numbers:
            # A header (repeated or not) is never data: "总计"/"其他" are header labels and row labels at once.
            header_like = len({label_key(c.text) for c in cells if c.text.strip()} & self.header_keys)
            match = None if header_like >= 2 else self._match(leaf, path, exact_only=True)
            if match is None:
                self._header(cells)
                return
        else:
            match = self._match(leaf, path)
        self.group = []
        if match is None:
            self.unplaced(where, label_text, values, "栏目不在规定格式中（本地增加的行？），未导入")
            return
        self.used.add(match)
        self.cursor = match
        srow = self.rows[match]
        self._labels(srow, [cells[i] for i in own_labels])
        self._values(srow, values, label_text, where)

    def _strip_publish(self, c: SrcCell) -> SrcCell:
        if c.cont or not PUBLISH.search(norm(c.text)):
            return c
        # The Jilin 发布总数量 line printed inside another cell (seed 002): read separately, not a label.
        rest = PUBLISH.sub("", norm(c.text))
        return SrcCell(rest, c.col, c.span)

    def _publish_row(self, cells, numbers, label_text, where) -> None:
        key = "t2.publish.total"
        if not numbers:
            return
        if key in self.imp.spec.fields and key not in self.imp.placed:
            self.imp.variants.add("jilin")
            cell = self.imp.spec.fields[key].cell
            self.place(cell, cells[numbers[0]], label_text, where)
            numbers = numbers[1:]
        self.unplaced(where, label_text, [cells[i] for i in numbers], "发布总数量一行只有一个数字")

    def _match(self, leaf: str, path: str, exact_only: bool = False) -> int | None:
        free = [i for i in range(len(self.rows)) if i not in self.used]

        def first(cands):
            cands = list(cands)
            after = [i for i in cands if i > self.cursor]
            return (after or cands or [None])[0]

        hit = first(i for i in free if self.rows[i].leaf == leaf and leaf)
        if hit is not None or exact_only:
            return hit
        ends = [i for i in free if len(self.rows[i].leaf) >= 2 and path.endswith(self.rows[i].leaf)]
        if ends:
            longest = max(len(self.rows[i].leaf) for i in ends)
            return first(i for i in ends if len(self.rows[i].leaf) == longest)
        hit = first(i for i in free if len(leaf) >= 4 and (leaf in self.rows[i].leaf or self.rows[i].leaf in leaf)
                    and min(len(leaf), len(self.rows[i].leaf)) >= 4)
        if hit is not None:
            return hit
        scored = [(difflib.SequenceMatcher(None, leaf, self.rows[i].leaf).ratio(), -abs(i - self.cursor - 1), i)
                  for i in free]
        best = max(scored, default=(0, 0, None))
        return best[2] if best[0] >= 0.75 else None

    def _header(self, cells: list[SrcCell]) -> None:
        """A row without numbers that is not a data row: a header (repeated or not) or a heading."""
        keys = {label_key(c.text) for c in cells if c.text.strip()}
        if not keys & self.header_keys:
            return
        self.group.append(cells)
        self._pair_header_labels(cells)
        if all(c.col is not None for c in cells):
            self.colmap = self._colmap()

    def _colmap(self) -> dict[int, int] | None:
        by_col = {}
        for row in self.group:
            for c in row:
                ident = (c.col, c.span, c.text)  # a vertical merge's continuation is the same cell
                for col in range(c.col, c.col + c.span):
                    by_col[col] = (ident, label_key(c.text))
        ncols = max(by_col, default=-1) + 1
        src = _leaves(by_col, ncols)
        best, best_score = None, -1
        for spec in self.header_groups:
            score = sum(1 for a, b in zip([k for *_, k in src], [k for *_, k in spec]) if a == b)
            if len(spec) == len(src):
                score += 100
            if score > best_score:
                best, best_score = spec, score
        if not best:
            return None
        if len(best) == len(src):
            pairs = list(zip(src, best))
        else:
            sm = difflib.SequenceMatcher(None, [k for *_, k in src], [k for *_, k in best], autojunk=False)
            pairs = [(src[a + n], best[b + n]) for a, b, size in sm.get_matching_blocks() for n in range(size)]
        if not pairs:
            return None
        colmap = {}
        for (scol, swidth, _), (pcol, _, _) in pairs:
            for c in range(scol, scol + swidth):
                colmap[c] = pcol
        return colmap

    def _pair_header_labels(self, cells: list[SrcCell]) -> None:
        """Keep header labels as published (LAYOUT-LABELS compares them): paired with the spec header row of the
        same printed shape that shares most labels."""
        best, best_score = None, 0
        for index, shape in self.shape.items():
            row = self.table.rows[index]
            if row.role == "data" or index in self.paired_headers or len(shape) != len(cells):
                continue
            score = sum(1 for c, s in zip(cells, shape) if s is not None and label_key(c.text) == label_key(s.text))
            if score > best_score:
                best, best_score = index, score
        if best is None:
            return
        self.paired_headers.add(best)
        for c, s in zip(cells, self.shape[best]):
            if s is not None and not c.cont and c.text.strip() and norm(c.text) != norm(s.label(self.year)):
                self.imp.labels[(self.table.key, s.row, s.col)] = c.text

    def _labels(self, srow: _SpecRow, own: list[SrcCell]) -> None:
        spec_labels = [c for c in srow.row.cells if not c.is_input]
        pairs = list(zip(spec_labels, own)) if len(spec_labels) == len(own) else list(zip(spec_labels[-1:],
                                                                                             own[-1:]))
        for cell, src in pairs:
            if norm(src.text) != norm(cell.label(self.year)):
                self.imp.labels[(self.table.key, cell.row, cell.col)] = src.text

    def _values(self, srow: _SpecRow, values: list[SrcCell], label: str, where: str) -> None:
        values = [v for v in values if not v.cont]
        if self.colmap and all(v.col is not None for v in values):
            self._values_by_geometry(srow, values, label, where)
            return
        # No geometry (a text dump): the values after the label, in order.
        while len(values) > len(srow.inputs) and not values[-1].text.strip():
            values = values[:-1]  # a trailing empty cell or separator is not a value
        for cell, src in zip(srow.inputs, values):
            if is_number(src.text):
                if not self.place(cell, src, label, where):
                    self.unplaced(where, label, [src], "该栏目已有数值（重复的行？）")
            elif src.text and not src.cont:
                self.place(cell, src, label, where)  # text in a number cell: kept as printed, CELL-TEXT says so
        extra = values[len(srow.inputs):]
        self.unplaced(where, label, extra, f"这一行的数值单元格多于规定格式的 {len(srow.inputs)} 个")
        if len(values) < len(srow.inputs):
            self.imp.problems.append(f"{self.table.title}：“{label}”一行只有 {len(values)} 个数值单元格，规定格式为 "
                                     f"{len(srow.inputs)} 个，缺少的按空白处理")

    def _values_by_geometry(self, srow: _SpecRow, values, label: str, where: str) -> None:
        for src in values:
            if not src.text:
                continue
            target = self.colmap.get(src.col)
            cell = next((c for c in srow.inputs if target is not None and c.col <= target < c.col + c.colspan),
                        None)
            if cell is None:
                self.unplaced(where, label, [src], "所在的列不在规定格式中")
            elif not self.place(cell, src, label, where) and is_number(src.text):
                self.unplaced(where, label, [src], "该栏目已有数值（重复的行或列？）")

    def _t4_row(self, cells, numbers, labels, label_text, where) -> None:
        if not numbers:
            if all(not is_number(c.text) for c in cells):
                self._header(cells)
            return
        if self.data_row_placed:
            self.unplaced(where, label_text, cells, "表四只有一行数据，这一行未导入")
            return
        self.data_row_placed = True
        srow = _SpecRow(self.table.rows[-1], "", "", sorted((c for c in self.table.rows[-1].cells if c.is_input),
                                                                key=lambda c: c.col))
        last = max(labels, default=-1)
        values = cells[last + 1:]
        self.unplaced(where, label_text, cells[:last + 1], "数字位于栏目名称之前")
        self._values(srow, values, "表四" if label_text == "（无栏目名称）" else label_text, where)
        self.group = []

    def finish(self) -> None:
        for i, srow in enumerate(self.rows):
            if i not in self.used and self.table.key != "t4":
                label = srow.row.cells[-1].label(self.year) if srow.row.cells else srow.row.key
                own = [c for c in srow.row.cells if not c.is_input]
                label = own[-1].label(self.year) if own else label
                self.imp.problems.append(f"{self.table.title}：未找到“{label}”一行，按空白处理")
        if self.table.key == "t4" and not self.data_row_placed:
            self.imp.problems.append(f"{self.table.title}：未找到数据行，按空白处理")


def import_tables(imp, dump: Dump, year: int) -> None:
    """Align every table of ``dump`` with ``imp.spec``; fills imp.values/placed/unplaced/labels/problems."""
    kinds = classify(dump, imp.spec)
    claimed = {i for idx in kinds.values() for i in idx}
    for key in ("t2", "t3", "t4"):
        table = imp.spec.table(key)
        if key not in kinds:
            imp.problems.append(f"未找到{table.title}的表格")
            continue
        aligner = _Aligner(imp, table, year)
        for n, index in enumerate(kinds[key]):
            for r, cells in enumerate(dump.cells(index)):
                aligner.feed(cells, f"第{index + 1}个表格第{r + 1}行")
            if n + 1 < len(kinds[key]):
                aligner.group = []
        aligner.finish()
    for index, rows in enumerate(dump.tables):
        if index in claimed:
            continue
        for r, row in enumerate(rows):
            label = " / ".join(norm(c) for c in row if c.strip() and not is_number(c)) or "（无栏目名称）"
            for c in row:
                if is_number(c):
                    imp.unplaced.append(Unplaced(f"第{index + 1}个表格", f"第{index + 1}个表格第{r + 1}行", label,
                                                 c.strip(), "不是表二、表三或表四"))
