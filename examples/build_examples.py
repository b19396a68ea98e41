"""Build the example workbooks from data (run: ``python examples/build_examples.py``).

* ``sources/*.txt``: five published reports (text dumps).  Each is re-entered with ``xlsheet.importer`` into a
  workbook of its own format, numbers, blanks, text and label defects exactly as published.
* ``data/clean_2024.toml``: a clean, fully consistent 2024 report, the quick-start example.
The script overwrites its own outputs (they are generated files), nothing else.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xlsheet.dump import parse_text_dump  # noqa: E402
from xlsheet.importer import import_dump, write_imported  # noqa: E402
from xlsheet.spec import spec_for_year  # noqa: E402
from xlsheet.workbook.create import new_workbook  # noqa: E402

CLEAN = "demo_2024.xlsx"


def seed_outputs(out_dir: Path = HERE) -> dict[Path, Path]:
    """source text → example workbook path."""
    out = {}
    for src in sorted((HERE / "sources").glob("*.txt")):
        imp = import_dump(parse_text_dump(src.read_text(encoding="utf-8")))
        out[src] = out_dir / f"{src.stem[:3]}_{imp.agency}_{imp.year}.xlsx"
    return out


def clean_values(data: dict) -> dict:
    spec = spec_for_year(data["year"])
    values = {f"t2.{k}": v for k, v in data["t2"].items()}
    t3 = spec.table("t3")
    for row in t3.data_rows():
        numbers = data["t3"].get(row.key, [0] * len(t3.value_keys))
        values.update({f"t3.{row.key}.{col}": n for col, n in zip(t3.value_keys, numbers)})
    for group, numbers in data["t4"].items():
        for col, n in zip(("upheld", "corrected", "other", "pending", "total"), numbers):
            values[f"t4.{group}.{col}"] = n
    unknown = set(values) - set(spec.fields)
    if unknown:
        raise SystemExit(f"unknown keys in clean data: {sorted(unknown)}")
    return values


def build_clean(out_dir: Path = HERE) -> Path:
    data = tomllib.loads((HERE / "data" / "clean_2024.toml").read_text(encoding="utf-8"))
    target = out_dir / CLEAN
    if target.exists():
        target.unlink()
    return new_workbook(target, data["year"], data["agency"], variants=data["variants"],
                        meta=data["meta"], narrative=data["narrative"], values=clean_values(data))


def main(out_dir: Path = HERE) -> None:
    for src, target in seed_outputs(out_dir).items():
        imp = import_dump(parse_text_dump(src.read_text(encoding="utf-8")))
        if target.exists():
            target.unlink()  # generated file: rebuilt, not backed up
        write_imported(imp, target)
        print(f"{target.name}: {len(imp.values)} 个数字单元格有值；导入说明：{'；'.join(imp.problems) or '无'}")
    print(build_clean(out_dir).name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
