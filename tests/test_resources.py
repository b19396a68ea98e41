"""templates/ and macros/ are found the same way from a source checkout and from an install (issue 12 item 9).

Each case runs in a fresh interpreter with the editable-install finder removed, so nothing but the copied tree
can supply ``xlsheet``: a checkout (``python -m xlsheet report`` from the repository root, the local ``xlsheet/``
shadowing any installed package) and a wheel's layout (``xlsheet/templates`` inside the package, no checkout).
"""
import shutil
import subprocess
import sys
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parent.parent

# Drop setuptools' editable finder (it would map xlsheet.templates to this worktree) and run argv as a module.
BOOT = ("import sys, runpy; sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in "
        "str(getattr(f, '__module__', ''))]; sys.path[:] = [p for p in sys.path if p != {root!r}]; {code}")


def _python(cwd: Path, code: str, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    path = [str(extra_path)] if extra_path else []
    code = BOOT.format(root=str(ROOT), code=code)
    if path:
        code = f"import sys; sys.path.insert(0, {path[0]!r}); " + code
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def _copy_package(dst: Path) -> None:
    shutil.copytree(ROOT / "xlsheet", dst, ignore=shutil.ignore_patterns("__pycache__"))


def test_checkout_renders_from_the_repository_root(tmp_path):
    repo = tmp_path / "repo"
    _copy_package(repo / "xlsheet")
    for folder in ("templates", "macros"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", repo)
    shutil.copy(ROOT / "examples" / "demo_2024.xlsx", repo)
    where = _python(repo, "from xlsheet.resources import resource_dir; import xlsheet; "
                          "from importlib import resources; print(xlsheet.__file__); "
                          "print(resource_dir('templates')); print(resource_dir('macros')); "
                          "print(resources.files('xlsheet.macros')); print(resources.files('xlsheet.templates'))")
    assert where.returncode == 0, where.stderr
    pkg, templates, macros, *as_packages = where.stdout.split()
    assert Path(pkg).parent == repo / "xlsheet"
    assert Path(templates) == repo / "templates" and Path(macros) == repo / "macros"
    # what code that reads importlib.resources.files("xlsheet.macros") gets (the Excel .xlsm builder)
    assert [Path(p) for p in as_packages] == [repo / "macros", repo / "templates"]
    run = _python(repo, "sys.argv = ['xlsheet', 'report', 'demo_2024.xlsx', '-o', 'out.docx', '--no-chart']; "
                        "runpy.run_module('xlsheet', run_name='__main__')")
    assert run.returncode == 0, run.stderr
    text = "\n".join(p.text for p in docx.Document(repo / "out.docx").paragraphs)
    assert "政府信息公开工作年度报告" in text and "信息处理费" in text


def test_installed_layout_uses_the_packaged_copy(tmp_path):
    site = tmp_path / "site"
    _copy_package(site / "xlsheet")
    for folder in ("templates", "macros"):  # as the wheel lays them out (package-dir in pyproject.toml)
        shutil.copytree(ROOT / folder, site / "xlsheet" / folder, ignore=shutil.ignore_patterns("__pycache__"))
    # prove the lookup reads this copy: change one template in it
    (site / "xlsheet" / "templates" / "s6.j2").write_text("安装副本中的第六部分。\n", encoding="utf-8")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    code = ("from xlsheet.resources import resource_dir; print(resource_dir('templates')); "
            "from importlib import resources; print(resources.files('xlsheet.macros')); "
            "from xlsheet import read; from xlsheet.docx.narrative import "
            f"default_text; print(default_text('s6', read({str(ROOT / 'examples' / 'demo_2024.xlsx')!r})))")
    out = _python(elsewhere, code, extra_path=site)
    assert out.returncode == 0, out.stderr
    templates, macros, s6 = out.stdout.splitlines()
    assert Path(templates) == site / "xlsheet" / "templates" and Path(macros) == site / "xlsheet" / "macros"
    assert "安装副本中的第六部分。" in s6
