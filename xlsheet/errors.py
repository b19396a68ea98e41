"""Exceptions whose ``str()`` is a complete Chinese message for the clerk (the CLI prints it, never a traceback)."""


class XlsheetError(Exception):
    """Base class; ``exit_code`` is what the CLI returns for it."""

    exit_code = 2


class InvalidWorkbookError(XlsheetError):
    """The file is not a readable .xlsx: corrupt, truncated, renamed, oversized or hostile."""


class ForeignWorkbookError(XlsheetError):
    """A readable workbook that xlsheet did not create (no format marker), or one with its markers damaged."""


class FormatVersionError(XlsheetError, ValueError):
    """The workbook's format or spec revision, or a report year, is unknown to this version of xlsheet."""


class OutputExistsError(XlsheetError):
    """Refusing to overwrite an existing file without explicit permission."""


class FileBusyError(XlsheetError):
    """The target file is locked (typically open in Excel or WPS on Windows) or the folder is not writable."""


class ReportBlockedError(XlsheetError):
    """The report cannot be generated while validation errors remain (use --force to override)."""

    exit_code = 1


class NotAReportError(XlsheetError):
    """A readable document that is not an annual report in the official layout (import)."""
