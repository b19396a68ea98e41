"""Dump a .docx's tables in the seed shape with python-docx's XML alone (vertical continuations as empty cells)."""
from __future__ import annotations

import docx
from docx.oxml.ns import qn


def doc_tables(path) -> list[list[list[str]]]:
    out = []
    for tbl in docx.Document(path).element.body.iter(qn("w:tbl")):
        rows = []
        for tr in tbl.iter(qn("w:tr")):
            cells = []
            for tc in tr.iter(qn("w:tc")):
                vm = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if vm is not None and vm.get(qn("w:val")) != "restart":
                    cells.append("")
                else:
                    cells.append("\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                                           for p in tc.iter(qn("w:p"))))
            rows.append(cells)
        out.append(rows)
    return out


def body_text(path) -> str:
    return "\n".join(p.text for p in docx.Document(path).paragraphs)
