"""Where the data folders ``templates/`` (report wording) and ``macros/`` (VBA / ribbon kit) are.

They live at the repository's top level (the client's design card) and ship inside the wheel as the resource
packages ``xlsheet.templates`` and ``xlsheet.macros`` (``package-dir`` in pyproject.toml).  From a source checkout
the local ``xlsheet/`` package shadows any installed copy and has no such sub-packages, so:

* in a checkout (recognised by ``pyproject.toml`` beside the package, so a stray top-level ``templates`` folder in
  site-packages is never picked up), :func:`register_checkout_folders` — run when ``xlsheet`` is imported —
  makes the names ``xlsheet.templates`` and ``xlsheet.macros`` import ``templates/`` and ``macros/``; every
  ``importlib.resources.files("xlsheet.macros")`` then reads the checkout's files, exactly as in an install;
* in an install (wheel or editable) the packaged copies are used.

:func:`resource_dir` returns the folder as a Traversable (a ``Path`` in a checkout).

Start-up: ``import xlsheet`` runs :func:`register_checkout_folders` in every process, and most processes
(``xlsheet validate``, the roll-up's workers) never read these folders.  So it only stats a few files with
``os.path`` and puts a finder on ``sys.meta_path``; ``pathlib`` and ``importlib.util`` (≈ 5 ms of imports with
what they pull in: fnmatch, urllib.parse, ipaddress, contextlib) are imported when a folder is actually used.
"""
from __future__ import annotations

import os
import sys

#: The data folders this module resolves.
FOLDERS = ("templates", "macros")
_ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def _checkout_folder(name: str) -> str | None:
    """The checkout's folder ``name`` (a path string), or None when not running from a source checkout."""
    folder = os.path.join(_ROOT, name)
    if os.path.isfile(os.path.join(_ROOT, "pyproject.toml")) and os.path.isfile(os.path.join(folder, "__init__.py")):
        return folder
    return None


class _CheckoutFolders:
    """Meta-path finder: ``import xlsheet.<name>`` (name in its ``folders``: checkout folder path) loads that
    folder as a package, ahead of any installed copy.  Other names are left to the next finder."""

    def __init__(self, folders: dict[str, str]):
        self.folders = folders

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.partition(".")
        folder = self.folders.get(name) if package == "xlsheet" else None
        if folder is None:
            return None
        import importlib.util

        return importlib.util.spec_from_file_location(fullname, os.path.join(folder, "__init__.py"),
                                                      submodule_search_locations=[folder])

    def invalidate_caches(self):
        pass


def register_checkout_folders() -> None:
    """In a source checkout, make ``xlsheet.templates`` / ``xlsheet.macros`` the checkout's folders (also when an
    older install elsewhere would provide them): the code and its data come from the same tree.  A name already
    imported stays as it is."""
    folders = {}
    for name in FOLDERS:
        folder = _checkout_folder(name)
        if folder is not None and f"xlsheet.{name}" not in sys.modules:
            folders[name] = folder
    if folders and not any(isinstance(f, _CheckoutFolders) for f in sys.meta_path):
        sys.meta_path.insert(0, _CheckoutFolders(folders))


def resource_dir(name: str):
    """The folder ``name`` (one of :data:`FOLDERS`) as a Traversable: the checkout's copy beside the package
    when running from a source tree, the installed ``xlsheet.<name>`` otherwise."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    folder = _checkout_folder(name)
    if folder is not None:
        from pathlib import Path

        return Path(folder)
    from importlib import resources  # lazily: `import xlsheet` stays cheap

    return resources.files(f"xlsheet.{name}")


def resource_file(folder: str, name: str):
    """One file of ``folder`` (a Traversable; check ``is_file()`` before reading)."""
    return resource_dir(folder).joinpath(name)
