"""Where the data folders ``templates/`` (report wording) and ``macros/`` (VBA / ribbon kit) are.

They live at the repository's top level (the client's design card) and ship inside the wheel as
``xlsheet.templates`` and ``xlsheet.macros`` (``package-dir`` in pyproject.toml).  From a checkout the local
``xlsheet/`` package shadows any installed copy and has no such sub-packages, so the lookup is:

1. a checkout: the folder beside the ``xlsheet`` package, recognised by ``pyproject.toml`` next to it (so a stray
   top-level ``templates`` folder in site-packages is never picked up);
2. an install (wheel or editable): the packaged resource ``xlsheet.<name>``.

Both cases return a :class:`importlib.resources.abc.Traversable` (a ``Path`` in a checkout), read with
``joinpath(...).read_text()`` / ``read_bytes()``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The data folders this module resolves.
FOLDERS = ("templates", "macros")


def resource_dir(name: str):
    """The folder ``name`` (one of :data:`FOLDERS`) as a Traversable: the checkout's copy beside the package
    when running from a source tree, the installed ``xlsheet.<name>`` otherwise."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    root = Path(__file__).resolve().parent.parent
    checkout = root / name
    if (root / "pyproject.toml").is_file() and (checkout / "__init__.py").is_file():
        return checkout
    return resources.files(f"xlsheet.{name}")


def resource_file(folder: str, name: str):
    """One file of ``folder`` (a Traversable; check ``is_file()`` before reading)."""
    return resource_dir(folder).joinpath(name)
