"""xlsheet: 政府信息公开工作年度报告 from an Excel workbook — template, validation, official DOCX.

Public API (heavy dependencies are imported lazily by the functions that need them)::

    read(path) -> Report                      # xlsheet.workbook.reader
    new_workbook(path, year, agency, ...)     # xlsheet.workbook.create
    validate(report, previous=None) -> Result # xlsheet.validation.engine
    render_docx(report, path, ...)            # xlsheet.docx.render
"""
from .errors import XlsheetError
from .resources import register_checkout_folders

register_checkout_folders()  # templates/ and macros/ of a source checkout as xlsheet.templates / xlsheet.macros

__version__ = "0.1.0"


def read(path):
    from .workbook.reader import read as _read

    return _read(path)


def new_workbook(*args, **kwargs):
    from .workbook.create import new_workbook as _new

    return _new(*args, **kwargs)


def validate(report, **kwargs):
    from .validation.engine import validate as _validate

    return _validate(report, **kwargs)


def render_docx(report, path, **kwargs):
    from .docx.render import render_docx as _render

    return _render(report, path, **kwargs)


__all__ = ["XlsheetError", "read", "new_workbook", "validate", "render_docx", "__version__"]
