"""Issue 9, classes 7 and 8: the operating system saying no is a Chinese exit 2 naming the path; outputs honour the
umask, are published atomically and exclusively, keep one atomic backup, and leave no temporary files."""
import errno
import os
import shutil
import stat
import subprocess
import sys
import time

import pytest

from tests.conftest import EXAMPLES
from xlsheet import fileio
from xlsheet.cli import main

DEMO = EXAMPLES / "demo_2024.xlsx"


def _leftovers(folder):
    return [p.name for p in folder.rglob(".xlsheet-*")]


def _chinese_exit_2(capsys, *words):
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err and "Exception ignored" not in err, err
    assert "内部错误" not in err and "Errno" not in err, err
    for w in words:
        assert w in err, err
    return err


# ---------------------------------------------------------------- class 7: OS errors → exit 2, Chinese, the path
def test_run_out_under_a_file_is_exit_2_naming_the_path(tmp_path, capsys):
    blocker = tmp_path / "not_a_folder.txt"
    blocker.write_text("x")
    assert main(["run", str(DEMO), "--out", str(blocker / "out")]) == 2
    _chinese_exit_2(capsys, str(blocker))


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs a folder that refuses new files: Linux's /proc")
@pytest.mark.parametrize("command", ["report", "validate"])
def test_a_folder_refusing_new_files_is_said_with_the_requested_name_not_the_temporary_one(command, capsys):
    target = "/proc/xlsheet-test-output." + ("docx" if command == "report" else "xlsx")
    args = [command, str(DEMO), "-o", target] + (["--write"] if command == "validate" else [])
    assert main(args) == 2
    err = _chinese_exit_2(capsys, f"无法写入“{target}”")
    assert ".xlsheet-tmp" not in err, err


@pytest.mark.parametrize("overwrite", [True, False], ids=["overwrite", "plain"])
@pytest.mark.parametrize("command", ["report", "new", "validate"])
def test_output_that_is_a_directory_is_exit_2(command, overwrite, tmp_path, capsys):
    target = tmp_path / "folder.docx"
    target.mkdir()
    args = {"report": ["report", str(DEMO), "-o", str(target), "--overwrite"],
            "new": ["new", "--year", "2024", "--agency", "某局", "-o", str(target), "--overwrite"],
            "validate": ["validate", str(DEMO), "--write", "-o", str(target), "--overwrite"]}[command]
    if not overwrite:  # a folder is not "a file that exists": no advice to add --overwrite
        args.remove("--overwrite")
    assert main(args) == 2
    err = _chinese_exit_2(capsys, str(target), "文件夹")
    assert "--overwrite" not in err
    assert target.is_dir() and not any(target.iterdir())


def test_unreadable_input_is_exit_2_naming_the_path(tmp_path, monkeypatch, capsys):
    src = tmp_path / "locked.xlsx"
    shutil.copy(DEMO, src)
    real_open = os.open  # where the workbook is opened (safety.read_file: non-blocking, then its type checked)

    def denied(file, *a, **k):  # tests run as root, whom chmod does not stop: deny like the OS would
        if os.fspath(file) == str(src):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(src))
        return real_open(file, *a, **k)

    monkeypatch.setattr(os, "open", denied)
    assert main(["validate", str(src)]) == 2
    _chinese_exit_2(capsys, str(src), "没有访问权限")


def _failing_save(limit):
    """A writer that runs out of space after ``limit`` bytes, the way a full disk does (inside zipfile)."""
    import zipfile

    def save(path):
        class Full:
            def __init__(self):
                self.fh, self.n = open(path, "wb"), 0

            def write(self, data):
                self.n += len(data)
                if self.n > limit:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return self.fh.write(data)

            def __getattr__(self, name):
                return getattr(self.fh, name)

        z = zipfile.ZipFile(Full(), "w")  # left open on failure, as openpyxl's save leaves it
        z.writestr("a.xml", os.urandom(4000))
        z.writestr("b.xml", os.urandom(4000))
        z.close()

    return save


def test_disk_full_is_exit_2_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    from xlsheet.workbook import create

    class FakeBook:
        save = staticmethod(_failing_save(5000))

    monkeypatch.setattr(create, "build_workbook", lambda *a, **k: FakeBook())
    out = tmp_path / "n.xlsx"
    assert main(["new", "--year", "2024", "--agency", "某局", "-o", str(out)]) == 2
    import gc

    gc.collect()
    _chinese_exit_2(capsys, "磁盘空间不足", str(out))
    assert not out.exists() and _leftovers(tmp_path) == []


def test_disk_full_in_a_child_process_prints_no_exception_ignored(tmp_path):
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from tests.test_fileio import _failing_save\n"
        "from xlsheet.workbook import create\n"
        "class B: save = staticmethod(_failing_save(5000))\n"
        "create.build_workbook = lambda *a, **k: B()\n"
        "from xlsheet.cli import main\n"
        "sys.exit(main(['new', '--year', '2024', '--agency', 'x', '-o', %r]))\n"
    ) % (str(EXAMPLES.parent), str(tmp_path / "n.xlsx"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "磁盘空间不足" in proc.stderr and "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr
    assert _leftovers(tmp_path) == []


# ---------------------------------------------------------------- class 8: files
def test_outputs_honour_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        assert main(["new", "--year", "2024", "--agency", "某局", "-o", str(tmp_path / "a.xlsx")]) == 0
        assert main(["report", str(DEMO), "-o", str(tmp_path / "a.docx")]) == 0
        os.umask(0o002)
        assert main(["run", str(DEMO), "--out", str(tmp_path / "out")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.xlsx").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "a.docx").stat().st_mode) == 0o640
    for p in (tmp_path / "out").iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o664, p


def test_three_concurrent_reports_on_one_new_target_exactly_one_wins(tmp_path):
    target = tmp_path / "r.docx"
    procs = [subprocess.Popen([sys.executable, "-m", "xlsheet", "report", str(DEMO), "-o", str(target)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2, 2], results
    assert all("已存在" in err for code, err in results if code == 2)
    assert not list(tmp_path.glob("*.bak.docx")) and _leftovers(tmp_path) == []


def test_publish_is_exclusive_even_when_the_check_is_passed(tmp_path):
    """The race itself: another process creates the target after our existence check, before our publish."""
    target = tmp_path / "t.txt"

    def write(tmp):
        target.write_text("the other process")  # appears while we are writing
        with open(tmp, "w") as fh:
            fh.write("ours")

    with pytest.raises(fileio.OutputExistsError):
        fileio.atomic_write(target, write)
    assert target.read_text() == "the other process" and _leftovers(tmp_path) == []


def test_backup_is_atomic_when_the_disk_fills(tmp_path, monkeypatch, capsys):
    target = tmp_path / "r.docx"
    target.write_bytes(b"published version")
    (tmp_path / "r.bak.docx").write_bytes(b"older backup")

    def no_link(*a):
        raise OSError(errno.EXDEV, "cross-device link")

    def full_copy(src, dst, **k):
        with open(dst, "wb") as fh:
            fh.write(b"publ")  # half a copy, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(os, "link", no_link)
    monkeypatch.setattr(shutil, "copy2", full_copy)
    assert main(["report", str(DEMO), "-o", str(target), "--overwrite"]) == 2
    _chinese_exit_2(capsys, "磁盘空间不足")
    assert target.read_bytes() == b"published version"
    assert (tmp_path / "r.bak.docx").read_bytes() == b"older backup"
    assert _leftovers(tmp_path) == []


def test_temporary_files_are_recognisable_and_stale_ones_swept(tmp_path, monkeypatch):
    stale = tmp_path / ".xlsheet-tmp-999-deadbeef.xlsx"
    fresh = tmp_path / ".xlsheet-tmp-998-cafebabe.xlsx"
    for p in (stale, fresh):
        p.write_bytes(b"left by kill -9")
    old = time.time() - 2 * fileio.STALE_SECONDS
    os.utime(stale, (old, old))
    seen = []
    real = fileio._call_writer
    monkeypatch.setattr(fileio, "_call_writer", lambda write, tmp: (seen.append(tmp.name), real(write, tmp))[1])
    assert main(["new", "--year", "2024", "--agency", "某局", "-o", str(tmp_path / "a.xlsx")]) == 0
    assert seen and seen[0].startswith(".xlsheet-tmp-")
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a process still writing


def test_validate_write_to_an_existing_file_needs_overwrite(tmp_path, capsys):
    target = tmp_path / "mine.xlsx"
    target.write_bytes(b"clerk's own file")
    assert main(["validate", str(DEMO), "--write", "-o", str(target)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert target.read_bytes() == b"clerk's own file"
    assert main(["validate", str(DEMO), "--write", "-o", str(target), "--overwrite"]) == 0
    assert (tmp_path / "mine.bak.xlsx").read_bytes() == b"clerk's own file"


def test_repeated_revalidation_keeps_one_backup(tmp_path):
    src = tmp_path / "demo.xlsx"
    shutil.copy(DEMO, src)
    for _ in range(4):
        assert main(["validate", str(src), "--write"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.xlsx", "demo_校验.bak.xlsx", "demo_校验.xlsx"]
