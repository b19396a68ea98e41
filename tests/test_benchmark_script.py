"""benchmarks/run.py measures `xlsheet …` as the console script pip wrote beside the interpreter, not a copy that
may be out of date: pip ≥ 25.2 writes it without ``import re`` (≈ 2–4 ms of every start, issue #14)."""
import subprocess
import sys

from benchmarks.run import OLD_PIP_SCRIPT, console_script

NEW_PIP = ("#!/venv/bin/python\nimport sys\nfrom xlsheet.cli import main\nif __name__ == '__main__':\n"
           "    sys.argv[0] = sys.argv[0].removesuffix('.exe')\n    sys.exit(main())\n")


def test_the_installed_console_script_is_measured_verbatim(tmp_path):
    (tmp_path / "xlsheet").write_text(NEW_PIP, encoding="utf-8")
    body, note = console_script(str(tmp_path / "python"))
    assert body == NEW_PIP.split("\n", 1)[1] and "without re" in note
    (tmp_path / "xlsheet").write_text("#!/venv/bin/python\n" + OLD_PIP_SCRIPT, encoding="utf-8")
    body, note = console_script(str(tmp_path / "python"))
    assert body == OLD_PIP_SCRIPT and "imports re" in note


def test_without_a_console_script_the_slower_one_stands_in(tmp_path):
    assert console_script(str(tmp_path / "python"))[0] == OLD_PIP_SCRIPT
    (tmp_path / "xlsheet").write_text("#!/bin/sh\necho not ours\n", encoding="utf-8")
    assert console_script(str(tmp_path / "python"))[0] == OLD_PIP_SCRIPT


def test_both_scripts_run_xlsheet(tmp_path):
    for script in (OLD_PIP_SCRIPT, NEW_PIP.split("\n", 1)[1]):
        proc = subprocess.run([sys.executable, "-c", script, "rules"], capture_output=True, text=True)
        assert proc.returncode == 0 and "T3-" in proc.stdout, proc.stderr
