"""Where the data folders ``templates/`` (report wording) and ``macros/`` (VBA / ribbon kit) are.

They live at the repository's top level (the client's design card) and ship inside the wheel as the resource
packages ``xlsheet.templates`` and ``xlsheet.macros`` (``package-dir`` in pyproject.toml).  From a source checkout
the local ``xlsheet/`` package shadows any installed copy and has no such sub-packages, so:

* in a checkout (recognised by ``pyproject.toml`` beside the package, so a stray top-level ``templates`` folder in
  site-packages is never picked up), :func:`register_checkout_folders` — run when ``xlsheet`` is imported —
  registers ``templates/`` and ``macros/`` under the names ``xlsheet.templates`` and ``xlsheet.macros``; every
  ``importlib.resources.files("xlsheet.macros")`` then reads the checkout's files, exactly as in an install;
* in an install (wheel or editable) the packaged copies are used.

:func:`resource_dir` returns the folder as a Traversable (a ``Path`` in a checkout).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

#: The data folders this module resolves.
FOLDERS = ("templates", "macros")
_ROOT = Path(__file__).resolve().parent.parent


def _checkout_folder(name: str) -> Path | None:
    folder = _ROOT / name
    if (_ROOT / "pyproject.toml").is_file() and (folder / "__init__.py").is_file():
        return folder
    return None


def register_checkout_folders() -> None:
    """In a source checkout, make ``xlsheet.templates`` / ``xlsheet.macros`` the checkout's folders (also when an
    older install elsewhere would provide them): the code and its data come from the same tree."""
    for name in FOLDERS:
        full = f"xlsheet.{name}"
        folder = _checkout_folder(name)
        if folder is None or full in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(full, folder / "__init__.py",
                                                      submodule_search_locations=[str(folder)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)


def resource_dir(name: str):
    """The folder ``name`` (one of :data:`FOLDERS`) as a Traversable: the checkout's copy beside the package
    when running from a source tree, the installed ``xlsheet.<name>`` otherwise."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    folder = _checkout_folder(name)
    if folder is not None:
        return folder
    from importlib import resources  # lazily: `import xlsheet` stays cheap

    return resources.files(f"xlsheet.{name}")


def resource_file(folder: str, name: str):
    """One file of ``folder`` (a Traversable; check ``is_file()`` before reading)."""
    return resource_dir(folder).joinpath(name)
