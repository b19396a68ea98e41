"""Alias of :mod:`xlsheet.excel.udfs` under the module name that workbooks built before the move carry in their
xlwings.conf (``UDF Modules = xlsheet.excel_udfs``) and in their imported VBA wrappers.  Do not remove."""
from .excel.udfs import *  # noqa: F401,F403
from .excel.udfs import __all__  # noqa: F401
