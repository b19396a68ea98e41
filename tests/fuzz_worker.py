"""Worker side of tests/test_fuzz.py: runs the real command line on one file inside a limited worker process
(xlsheet.isolation), so a native crash, a memory blow-up or a hang is reported instead of killing pytest."""
import contextlib
import io


def run_commands(path: str, out_dir: str) -> list[tuple[str, int, str]]:
    """(command, exit code, last stderr line) for validate, validate --write, report and new --from on ``path``."""
    from xlsheet.cli import main

    runs = {"validate": ["validate", path, "--json"],
            "write": ["validate", path, "--write", "-o", f"{out_dir}/checked.xlsx", "--overwrite"],
            "report": ["report", path, "--force", "--no-chart", "--overwrite", "-o", f"{out_dir}/r.docx"],
            "new --from": ["new", "--year", "2025", "--from", path, "--overwrite", "-o", f"{out_dir}/n.xlsx"]}
    results = []
    for name, args in runs.items():
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(args)
        results.append((name, code, err.getvalue().strip()[-300:]))
    return results
