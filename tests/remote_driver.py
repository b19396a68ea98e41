"""Run xlsheet.excel entry points against xlwings' own object model (its remote engine), outside pytest's process.

Usage: python -m tests.remote_driver WORKBOOK.xlsx ACTIONS... ; prints JSON.  The noncommercial key is set here, in
this process only, for testing (PolyForm Noncommercial); the product never needs it.
A minimal client applies the recorded actions (setValues, setRangeColor, addSheet, …) to the payload between
runs, the way Excel would, so a second run sees the first run's result.
"""
import copy
import json
import os
import sys

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"

import xlwings as xw  # noqa: E402

from xlsheet.report import column_letter  # noqa: E402
from xlsheet.workbook.source import FileSource, parse_ref  # noqa: E402


def payload(path):
    src = FileSource(path)
    sheets = src.sheet_names()
    names = []
    for n, ref in src.defined_names().items():
        r = parse_ref(ref)
        names.append({"name": n, "sheet_index": sheets.index(r[0]) if r else None,
                      "address": f"{column_letter(r[2])}{r[1]}" if r else None, "book_scope": True,
                      "scope_sheet_name": None, "scope_sheet_index": None, "refers_to": "=" + ref})
    return {"client": "Microsoft Office Scripts", "version": xw.__version__,
            "book": {"name": os.path.basename(path), "active_sheet_index": 0, "selection": "A1"},
            "names": names, "colors": {},
            "sheets": [{"name": s, "values": [[None if v == "" else v for v in row] for row in src.grid(s)] or [[None]],
                        "pictures": [], "tables": [], "notes": [], "shapes": [], "charts": [], "visibility": "Visible"}
                       for s in sheets]}


def apply(state, actions):
    """What Excel would do with the actions: values, fills, sheets."""
    for a in actions:
        func, pos = a["func"], a["sheet_position"]
        if func == "addSheet":
            index, name = a["args"]
            state["sheets"].insert(index, {"name": name, "values": [[None]], "pictures": [], "tables": [],
                                           "notes": [], "shapes": [], "charts": [], "visibility": "Visible"})
        elif func == "setSheetVisibility":
            state["sheets"][pos]["visibility"] = a["args"][0]
        elif func == "setValues":
            grid = state["sheets"][pos]["values"]
            for i, row in enumerate(a["values"]):
                r = a["start_row"] + i
                while len(grid) <= r:
                    grid.append([None] * len(grid[0]))
                for j, v in enumerate(row):
                    c = a["start_column"] + j
                    for line in grid:
                        while len(line) <= c:
                            line.append(None)
                    grid[r][c] = v
        elif func == "sheetDelete":
            gone = state["sheets"].pop(pos)["name"] + "!"
            state["colors"] = {k: v for k, v in state["colors"].items() if not k.startswith(gone)}
        elif func == "sheetClearContents":
            state["sheets"][pos]["values"] = [[None]]
        elif func == "setRangeColor":
            key = f"{state['sheets'][pos]['name']}!{column_letter(a['start_column'] + 1)}{a['start_row'] + 1}"
            state["colors"][key] = a["args"][0]
    return state


def main():
    path, *steps = sys.argv[1:]
    state = payload(path)
    import xlsheet.excel as x

    out = []
    for step in steps:
        # a deep copy: the engine updates its payload in place, the client state must only change by actions
        book = xw.Book(json=copy.deepcopy({k: v for k, v in state.items() if k != "colors"}))
        if step == "validate":
            result = x.validate(book)
            info = {"summary": result.summary(), "errors": len(result.errors),
                    "cells": sorted({c.address for f in result.findings for c in f.cells})}
        elif step.startswith("report="):
            path_out = x.generate_report(book, output=step.split("=", 1)[1])
            info = {"report": str(path_out) if path_out else None}
        elif step == "udf":
            import xlsheet.excel_udfs as udfs

            caller = book.sheets[0].range("A1")
            info = {"status": udfs.XLSHEET_STATUS(caller), "findings": udfs.XLSHEET_FINDINGS(caller)}
        elif step == "clear":
            info = {"cleared": x.clear_marks(book)}
        elif step.startswith("set:"):  # set:表三!D8=12  (the clerk types a value)
            target, value = step[4:].split("=")
            sheet, cell = target.split("!")
            idx = [s["name"] for s in state["sheets"]].index(sheet)
            col = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed("".join(c for c in cell if c.isalpha()))))
            row = int("".join(c for c in cell if c.isdigit()))
            state["sheets"][idx]["values"][row - 1][col - 1] = float(value)
            out.append({"step": step})
            continue
        actions = book.json()["actions"]
        apply(state, actions)
        info.update(step=step, funcs=sorted({a["func"] for a in actions}),
                    colors=dict(state["colors"]),
                    result_sheet=next((s["values"] for s in state["sheets"] if s["name"] == "校验结果"), None))
        out.append(info)
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
