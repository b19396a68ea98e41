"""The "text dump" shape of a report: paragraphs and tables, tables as rows of cell texts.

This is the format of the published seed reports (one cell per line after a tab, a blank line ends a row, a
vertically merged continuation is an empty cell, horizontally merged cells appear once).  :func:`parse_text_dump`
reads it; :func:`dump_docx` produces the same shape from a .docx, so generated reports can be compared with
published ones cell by cell and published reports can be imported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_WS = re.compile(r"[\s\u3000\u00a0]+")


@dataclass(frozen=True)
class SrcCell:
    """One printed cell of a source table with its geometry: ``col`` is the grid column it starts in and ``span``
    how many it covers (None/1 when the source does not say, as in a text dump); ``cont`` marks the part of a
    vertical merge below its first row (its ``text`` is the merged cell's text, for context only)."""

    text: str
    col: int | None = None
    span: int = 1
    cont: bool = False


@dataclass
class Dump:
    """The paragraphs and tables of a document, in document order."""

    paragraphs: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    # Document order: ("p", index into paragraphs) or ("t", index into tables).
    order: list[tuple[str, int]] = field(default_factory=list)
    # Per table, the same rows with merge geometry, when the source has it (.docx gridSpan/vMerge, HTML
    # colspan/rowspan); empty for a text dump.
    grids: list[list[list[SrcCell]]] = field(default_factory=list)

    def cells(self, index: int) -> list[list[SrcCell]]:
        """Table ``index`` as SrcCells: with geometry when known, else the dump's cells in order."""
        if index < len(self.grids) and self.grids[index]:
            return self.grids[index]
        return [[SrcCell(text) for text in row] for row in self.tables[index]]


def norm(text: str) -> str:
    """Compare labels "label for label": all whitespace (line breaks, full-width spaces) removed."""
    return _WS.sub("", text or "")


def parse_text_dump(text: str) -> Dump:
    dump = Dump()
    table = None
    row = None
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith("\t"):
            if table is None:
                table = []
                dump.tables.append(table)
                dump.order.append(("t", len(dump.tables) - 1))
            if row is None:
                row = []
                table.append(row)
            row.append(line[1:])
        elif line == "":
            row = None
        elif row is not None:
            row[-1] += "\n" + line  # a further paragraph of the same cell
        else:
            table = None
            dump.paragraphs.append(line)
            dump.order.append(("p", len(dump.paragraphs) - 1))
    return dump


def _cell_text(tc, qn) -> str:
    paras = []
    for p in tc.iter(qn("w:p")):
        paras.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return "\n".join(paras)


def _int_attr(parent, tag: str, qn, default: int) -> int:
    el = parent.find(qn(tag)) if parent is not None else None
    try:
        return int(el.get(qn("w:val"))) if el is not None else default
    except (TypeError, ValueError):
        return default


def docx_table_grid(tbl, qn) -> list[list[SrcCell]]:
    """Rows of a w:tbl with geometry: grid columns from w:gridBefore/w:gridSpan, vertical merges from w:vMerge
    (a continuation carries the text of the merge's first cell)."""
    rows: list[list[SrcCell]] = []
    above: dict[int, str] = {}  # grid column → text of the vertical merge started there
    for tr in tbl.iter(qn("w:tr")):
        col = _int_attr(tr.find(qn("w:trPr")), "w:gridBefore", qn, 0)
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            span = max(1, _int_attr(tcpr, "w:gridSpan", qn, 1))
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                cells.append(SrcCell(above.get(col, ""), col, span, cont=True))
            else:
                text = _cell_text(tc, qn)
                above[col] = text
                cells.append(SrcCell(text, col, span))
            col += span
        rows.append(cells)
    return rows


def docx_table_rows(tbl, qn) -> list[list[str]]:
    return [["" if c.cont else c.text for c in row] for row in docx_table_grid(tbl, qn)]


def dump_docx(path) -> Dump:
    """Paragraphs and tables of a .docx body in document order (the caller pre-flights untrusted files)."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(path)
    dump = Dump()
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            dump.paragraphs.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
            dump.order.append(("p", len(dump.paragraphs) - 1))
        elif child.tag == qn("w:tbl"):
            grid = docx_table_grid(child, qn)
            dump.grids.append(grid)
            dump.tables.append([["" if c.cont else c.text for c in row] for row in grid])
            dump.order.append(("t", len(dump.tables) - 1))
    return dump


def spec_table_cells(table, variants=frozenset()) -> list[list]:
    """The dump shape of a spec ``table``: per row, the spec Cell behind each dump cell, or None for the empty
    cell a vertical merge leaves in the rows below its first."""
    rows = []
    for row in table.rows_for(variants):
        if row.inline:
            rows.append([row.cells[0]])
            continue
        by_col = {c.col: c for c in row.cells}
        out, col = [], 0
        while col < table.ncols:
            if col in by_col:
                out.append(by_col[col])
                col += by_col[col].colspan
            else:
                out.append(None)
                col += table.covering(row.index, col).colspan
        rows.append(out)
    return rows
