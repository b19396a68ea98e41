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


class FileAccessError(XlsheetError):
    """The operating system refused to read or write a file: permissions, a file where a folder is needed (or the
    reverse), a name too long, a full disk.  The message names the path."""


_ERRNO_REASON = {
    "EACCES": "没有访问权限", "EPERM": "操作不被允许（没有权限）", "EROFS": "所在磁盘或文件夹是只读的",
    "ENOSPC": "磁盘空间不足", "EDQUOT": "超出磁盘配额", "ENOENT": "文件或文件夹不存在",
    "ENOTDIR": "路径中有一部分是文件而不是文件夹", "EISDIR": "这是一个文件夹，不是文件", "EEXIST": "已存在同名的文件",
    "ENAMETOOLONG": "文件名或路径过长", "EBUSY": "文件正被占用", "ETXTBSY": "文件正被占用", "EIO": "磁盘读写出错",
    "EMFILE": "打开的文件过多", "ENFILE": "打开的文件过多", "EXDEV": "不能跨磁盘移动文件", "ELOOP": "快捷方式（符号链接）指向自身或互相指向，形成循环",
    "EINVAL": "文件名或路径无效",
}


def os_error_reason(exc: OSError) -> str:
    """Why the operating system refused, in Chinese (the English strerror only for a rare errno)."""
    import errno

    return _ERRNO_REASON.get(errno.errorcode.get(exc.errno or 0, "")) or exc.strerror or type(exc).__name__


def os_error_message(exc: OSError, path=None) -> str:
    """A Chinese sentence for an ``OSError``, naming the path (``exc.filename``, else ``path``)."""
    target = exc.filename if exc.filename is not None else path
    where = f"“{target}”" if target is not None else "文件"
    return f"无法读写{where}：{os_error_reason(exc)}"


def missing_path_message(path: str, shown: str, what: str = "文件") -> str:
    """The sentence for a ``path`` that does not exist (``shown``: how to name it): a link whose target is missing,
    or a loop of links, is said to be one — the clerk sees a file there."""
    import os

    if os.path.lexists(path):
        return f"快捷方式（符号链接）失效或形成循环：{shown}"
    return f"找不到{what}：{shown}"
