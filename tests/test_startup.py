"""What keeps `xlsheet validate` near the interpreter's start-up: a per-user cache of the parsed TOML data (correct
when files change, harmless when the cache cannot be written) and heavy modules kept off the validate path.
Speed itself is measured in benchmarks/run.py, not here."""
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from xlsheet import tomlcache

ROOT = Path(__file__).resolve().parent.parent
SPEC = os.path.join(os.path.dirname(tomlcache.__file__), "spec", "data", "v2021.toml")


def test_cached_data_equals_a_fresh_parse_and_follows_edits(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("XLSHEET_NO_CACHE", raising=False)
    src = tmp_path / "data.toml"
    src.write_bytes(open(SPEC, "rb").read())
    fresh = tomllib.loads(src.read_text(encoding="utf-8"))
    assert tomlcache.load(str(src)) == fresh  # first run: parsed, blob written
    blobs = list((tmp_path / "cache" / "xlsheet").iterdir())
    assert len(blobs) == 1 and blobs[0].name.startswith("data-")
    assert tomlcache.load(str(src)) == fresh  # second run: from the blob
    src.write_text('format = "edited"\n', encoding="utf-8")
    assert tomlcache.load(str(src)) == {"format": "edited"}  # an edit is seen at once, never a stale blob


def test_a_damaged_blob_or_an_unwritable_cache_falls_back_to_parsing(tmp_path, monkeypatch):
    monkeypatch.delenv("XLSHEET_NO_CACHE", raising=False)
    src = tmp_path / "d.toml"
    src.write_text('a = 1\nb = ["x"]\n', encoding="utf-8")
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # the cache folder cannot be created
    assert tomlcache.load(str(src)) == {"a": 1, "b": ["x"]}
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    tomlcache.load(str(src))
    (blob,) = (tmp_path / "c" / "xlsheet").iterdir()
    blob.write_bytes(b"\x00garbage")
    assert tomlcache.load(str(src)) == {"a": 1, "b": ["x"]}
    monkeypatch.setenv("XLSHEET_NO_CACHE", "1")
    assert tomlcache.cache_dir() is None and tomlcache.load(str(src)) == {"a": 1, "b": ["x"]}


#: Modules `xlsheet validate` of the demo must not import at all: tens of ms each, or 1–5 ms of start-up each
#: (decimal with numbers ≈ 1.5 ms: a workbook of whole numbers needs no Decimal; pathlib with fnmatch,
#: urllib.parse and ipaddress ≈ 5 ms; zipfile with shutil, bz2, lzma, threading ≈ 4 ms — pre-flight reads plain
#: packages with xlsheet/workbook/zipparts.py; xml.etree and defusedxml ≈ 3 ms — workbook.xml is read with expat;
#: typing ≈ 3 ms; xml.parsers.expat with its packages ≈ 0.5 ms — pyexpat, which it re-exports, is imported directly;
#: xlsheet.jobs ≈ 0.3 ms — the command calls xlsheet.validation.engine.check; collections.abc ≈ 0.13 ms, once only
#: for an annotation; xlsheet.labelkey ≈ 0.1 ms — needed only for a label that differs, none in the demo; the
#: cross-year checks ≈ 0.1 ms — registered only when a previous year's workbook is given).
OFF_THE_VALIDATE_PATH = ("openpyxl", "docx", "jinja2", "lxml", "inspect", "dataclasses", "tomllib", "json",
                         "concurrent.futures", "decimal", "pathlib", "importlib.util", "shutil", "zipfile",
                         "typing", "xml.etree.ElementTree", "defusedxml", "xml.parsers.expat", "xlsheet.jobs",
                         "collections.abc", "xlsheet.labelkey", "xlsheet.validation.checks_xyear")


def bare_python(code: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Run ``code`` (with ``args`` as sys.argv[1:]) as ``xlsheet`` runs in a plain install: ``-S`` skips the .pth
    files of this test environment (an editable install's finder imports pathlib, importlib.util, typing… before
    any code of ours), and the checkout plus this interpreter's module folders are the path.  The caches go to
    ``tmp_path``."""
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path),
               PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in sys.path if p and os.path.isdir(p)]))
    return subprocess.run([sys.executable, "-S", "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path)


#: Subprocess code: run ``xlsheet validate`` on the demo, then print the modules of OFF_THE_VALIDATE_PATH loaded.
VALIDATE_AND_LIST = f"""
import sys, io, contextlib
from xlsheet.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["validate", {str(EXAMPLES / 'demo_2024.xlsx')!r}])
print(",".join(m for m in {OFF_THE_VALIDATE_PATH!r} if m in sys.modules))
"""


def test_validate_keeps_heavy_modules_off_its_path(tmp_path):
    for _ in range(2):  # the second run reads the parsed TOML from the cache
        proc = bare_python(VALIDATE_AND_LIST, tmp_path)
        assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", proc.stdout


def test_the_command_line_layer_loads_no_unneeded_standard_module(tmp_path):
    """Importing the CLI and parsing ``validate``'s arguments: argparse would import shutil (with bz2, lzma,
    fnmatch ≈ 3 ms) for the terminal's width; building every command's parser would import pathlib."""
    code = ("import sys\nfrom xlsheet.cli import build_parser\n"
            "build_parser(['validate', 'a.xlsx']).parse_args(['validate', 'a.xlsx'])\n"
            "print(','.join(m for m in ('shutil', 'pathlib', 'importlib.util', 'decimal') if m in sys.modules))\n")
    proc = bare_python(code, tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == "", (proc.stdout, proc.stderr)


def test_only_the_format_in_use_is_built(tmp_path):
    code = ("from xlsheet.spec import loader\n"
            "loader.spec_for_year(2024)\n"
            "print(len(loader.load_spec.cache))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path)))
    assert proc.stdout.strip() == "1", proc.stderr


def _parts(path) -> dict:
    """The package's parts, with what differs between two runs of the same roll-up (the time) masked."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n).decode("utf-8") for n in z.namelist()}
    stamp = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*|生成时间 \d{4}-\d\d-\d\d \d\d:\d\d")
    return {n: stamp.sub(lambda m: m.group(1) or "生成时间", text) for n, text in parts.items()}


def test_the_cli_loads_openpyxl_without_numpy_and_writes_the_same_workbook(tmp_path):
    """openpyxl imports numpy (≈ 140 ms) only to accept numpy scalars; the CLI hides it from openpyxl.  The roll-up
    written that way is the same package, part for part, as one written with numpy loaded into openpyxl."""
    pytest.importorskip("numpy")
    from benchmarks.unitgen import make_batch

    make_batch(tmp_path / "units", 24, seed=7, keep_values=False)
    run = ("import sys\n{pre}from xlsheet.cli import main\n"
           "code = main(['rollup', {units!r}, '-o', {out!r}, '--jobs', '1'])\n"
           "import openpyxl\n"
           "print(openpyxl.NUMPY, 'numpy' in sys.modules)\n"
           "import numpy\n"  # importable afterwards, for anyone else in the process
           "sys.exit(code)\n")
    outs = {}
    for label, pre in (("hidden", ""), ("numpy", "import numpy\n")):
        out = str(tmp_path / f"{label}.xlsx")
        code = run.format(pre=pre, units=str(tmp_path / "units"), out=out)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        outs[label] = (proc.stdout.strip().splitlines()[-1], _parts(out))
    assert outs["hidden"][0] == "False False" and outs["numpy"][0] == "True True"
    hidden, with_numpy = outs["hidden"][1], outs["numpy"][1]
    assert sorted(hidden) == sorted(with_numpy) and any("comments" in n for n in hidden)  # stock-cell notes
    for name in hidden:
        assert hidden[name] == with_numpy[name], name


def test_validate_path_builds_no_dataclasses(tmp_path):
    """Each @dataclass compiles generated methods when its module is imported (1–2 ms a class); the classes the
    validate command imports are xlsheet.record classes instead.  Lists any dataclass in an xlsheet module loaded
    by the command."""
    code = ("import sys, io, contextlib, dataclasses\n"
            "from xlsheet.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['validate', {str(EXAMPLES / 'demo_2024.xlsx')!r}])\n"
            "found = sorted(f'{name}.{k}' for name, m in list(sys.modules.items()) if name.startswith('xlsheet')\n"
            "               for k, v in vars(m).items() if isinstance(v, type) and dataclasses.is_dataclass(v)\n"
            "               and v.__module__ == name)\n"
            "print(','.join(found))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_validate_as_the_program_skips_gettext_and_the_exit_collection_and_only_then(tmp_path):
    """`xlsheet validate` as the program gives argparse its words without gettext (which imports locale) and
    freezes the collector before the interpreter's exit (its full collections cost ≈ 14 ms); its output and exit
    code are those of the in-process call, which leaves argparse and the collector alone."""
    demo = str(EXAMPLES / "demo_2024.xlsx")
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, 'locale' in sys.modules,\n"
             "                              file=sys.stderr))\n"
             "from xlsheet.cli import main\n")
    program = bare_python(probe + "sys.exit(main())", tmp_path, "validate", demo)
    called = bare_python(probe + f"sys.exit(main(['validate', {demo!r}]))", tmp_path)
    assert program.returncode == called.returncode == 0 and program.stdout == called.stdout != ""
    assert program.stderr.strip() == "frozen True False" and called.stderr.strip() == "frozen False True"


def test_validate_as_the_program_ends_at_once_only_when_nothing_is_lost(tmp_path):
    """The program ends with os._exit after validate or rules, with their output (complete through a pipe) and
    exit code; an atexit function registered before makes it end as usual, running that function."""
    probe = ("import os, sys\n"
             "end = os._exit\n"
             "os._exit = lambda code: (sys.stderr.write(f'os._exit({{code}})'), sys.stderr.flush(), end(code))\n"
             "{pre}from xlsheet.cli import main\n"
             "sys.exit(main({argv}))\n")
    odd = tmp_path / "odd.xlsx"
    odd.write_bytes(b"PK\x03\x04 not a workbook")
    for argv, code in ((["validate", str(EXAMPLES / "demo_2024.xlsx"), "--json"], 0), (["validate", str(odd)], 2),
                       (["rules"], 0)):
        called = bare_python(probe.format(pre="", argv=repr(argv)), tmp_path)
        program = bare_python(probe.format(pre="", argv=""), tmp_path, *argv)
        assert called.returncode == program.returncode == code, (program.stderr, called.stderr)
        assert program.stdout == called.stdout and program.stderr == called.stderr + f"os._exit({code})"
    pre = "import atexit\natexit.register(lambda: sys.stderr.write('atexit'))\n"
    usual = bare_python(probe.format(pre=pre, argv=""), tmp_path, "rules")
    assert usual.returncode == 0 and usual.stderr == "atexit"


def test_cache_files_of_the_wrong_shape_are_rebuilt_not_trusted(tmp_path):
    """A cache file that loads but holds other data (overwritten by hand, another program, another layout) must
    read as damaged: the same output and exit code as with a sound cache, never an internal error (KeyError from a
    spec built out of the wrong dict)."""
    import marshal

    def run():
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
        env.pop("XLSHEET_NO_CACHE", None)
        return subprocess.run([sys.executable, "-m", "xlsheet", "validate", str(EXAMPLES / "demo_2024.xlsx")],
                              capture_output=True, text=True, env=env, cwd=ROOT)

    sound = run()
    files = [p for p in (tmp_path / "xlsheet").rglob("*") if p.is_file() and p.suffix == ".marshal"]
    assert len(files) >= 3, files  # the parsed TOML, the built specs, the compiled patterns
    for wrong in (marshal.dumps({"x": [1, 2]}), marshal.dumps(42), b""):
        for p in files:
            p.write_bytes(wrong)
        again = run()
        assert (again.returncode, again.stdout, again.stderr) == (sound.returncode, sound.stdout, sound.stderr)


def test_validate_as_the_program_skips_the_startup_module_only_without_write(tmp_path):
    """A plain ``validate`` as the program imports neither openpyxl nor argparse, so it does not load
    xlsheet._startup (numpy hidden from openpyxl, argparse's words); any other command line still does."""
    demo = str(EXAMPLES / "demo_2024.xlsx")
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print('xlsheet._startup' in sys.modules, 'openpyxl' in sys.modules,\n"
             "                              file=sys.stderr))\n"
             "from xlsheet.cli import main\n"
             "sys.exit(main())\n")
    plain = bare_python(probe, tmp_path, "validate", demo)
    assert plain.returncode == 0 and plain.stderr.strip() == "False False", plain.stderr
    for argv in (["validate", demo, "--write", "-o", str(tmp_path / "out.xlsx")], ["rules"]):
        other = bare_python(probe, tmp_path, *argv)
        assert other.returncode == 0 and other.stderr.strip().startswith("True"), (argv, other.stderr)


def test_validate_compiles_no_pattern_and_collects_no_garbage_once_the_caches_are_warm(tmp_path):
    """With the per-user caches warm, ``xlsheet validate`` of the demo (as the program) runs no regular expression
    compilation (every pattern on its path is a lazyre pattern, whose program comes from the cache: sre's compiler
    is ≈ 0.1–0.5 ms a pattern) and no cyclic garbage collection once the command runs (it imports the reader and
    the checks with the collector off)."""
    probe = ("import atexit, gc, sys\n"
             "from re import _compiler\n"
             "compiled, collections = [], []\n"
             "_compile = _compiler.compile\n"
             "_compiler.compile = lambda p, flags=0: (compiled.append(p), _compile(p, flags))[1]\n"
             "atexit.register(lambda: print(len(compiled), len(collections), compiled[:3], file=sys.stderr))\n"
             "from xlsheet.cli import main\n"
             "from xlsheet.cli import cmd_validate\n"
             "run = cmd_validate._cmd_validate\n"
             "def command(args):  # collections are counted from here: once the command runs\n"
             "    gc.callbacks.append(lambda phase, info: phase == 'start' and collections.append(info))\n"
             "    return run(args)\n"
             "cmd_validate._cmd_validate = command\n"
             "sys.exit(main())\n")
    demo = str(EXAMPLES / "demo_2024.xlsx")
    bare_python(probe, tmp_path, "validate", demo)  # fills the caches
    proc = bare_python(probe, tmp_path, "validate", demo)
    assert proc.returncode == 0 and proc.stderr.startswith("0 0 "), proc.stderr


def test_warm_validate_as_the_program_imports_no_re_enum_or_functools(tmp_path):
    """pip ≥ 25.2 writes the ``xlsheet`` console script without ``import re``; then nothing on validate's path may
    import re (with enum, functools, collections: ≈ 3–4 ms of a ≈ 30 ms start) once the pattern cache is warm —
    patterns come from lazyre's cache via ``_sre``, State is no Enum, memo stands in for functools' decorators.
    The first (cold) run compiles its patterns with re; only the warm run is held to this."""
    modules = ("re", "enum", "functools", "collections", "types", "copyreg")
    probe = ("import atexit, sys\n"
             f"atexit.register(lambda: print('loaded:' + ','.join(m for m in {modules!r} if m in sys.modules),"
             " file=sys.stderr))\n"
             "from xlsheet.cli import main\n"
             "if __name__ == '__main__':\n"
             "    sys.argv[0] = sys.argv[0].removesuffix('.exe')\n"
             "    sys.exit(main())\n")
    demo = str(EXAMPLES / "demo_2024.xlsx")
    cold = bare_python(probe, tmp_path, "validate", demo)
    assert "loaded:" in cold.stderr and "re" in cold.stderr.split("loaded:")[1].split(","), cold.stderr
    warm = bare_python(probe, tmp_path, "validate", demo)
    assert warm.returncode == 0 and warm.stderr.strip().endswith("loaded:"), warm.stderr
