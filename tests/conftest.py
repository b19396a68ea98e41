import shutil
from pathlib import Path

import pytest

from tests.seedgrid import ROOT

EXAMPLES = ROOT / "examples"


@pytest.fixture
def examples(tmp_path) -> Path:
    """A private copy of examples/ (tests may write beside the workbooks)."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("sources", "data", "*.py"))
    return target


def example(examples: Path, seed: str) -> Path:
    return next(examples.glob(f"{seed}_*.xlsx"))
