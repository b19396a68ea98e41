"""``xlsheet serve`` (the intranet web service) and ``xlsheet serve-admin`` (create the officer account)."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import XlsheetError

MISSING = "未安装网页服务所需的组件，请在 xlsheet 源码文件夹中执行：pip install \".[serve]\""


def _settings(args):
    from ..serve.service import MB, Settings

    return Settings(data=Path(args.data), db=args.db, max_upload=int(args.max_upload_mb * MB),
                    workers=args.workers, secure_cookie=args.secure_cookie)


def _open(make, args):
    """``make()`` (the app or the store), with a Chinese message when the data folder or database cannot be used."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    where = args.db.split("@")[-1] if args.db else Path(args.data).resolve()  # never print a password
    try:
        return make()
    except ArgumentError:
        raise XlsheetError(f"数据库地址无效：{where}（示例：postgresql://用户:密码@主机/库名）") from None
    except SQLAlchemyError as exc:
        raise XlsheetError(f"无法打开数据库 {where}：{type(exc.orig or exc).__name__}") from None
    except OSError as exc:
        raise XlsheetError(f"无法使用数据目录 {where}：{exc.strerror or exc}") from None


def _check_address(host: str, port: int) -> None:
    """Refuse, in Chinese and before anything starts, a port out of range, a host that does not resolve, and an
    address already in use (uvicorn would log an English error and exit 3, or raise a traceback for the port)."""
    import errno
    import socket

    if not 0 < port < 65536:
        raise XlsheetError(f"端口 {port} 无效：端口应为 1–65535 之间的整数（默认 8000）")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise XlsheetError(f"无法解析主机名“{host}”：请填写本机的 IP 地址，如 127.0.0.1（仅本机）或 0.0.0.0（所有网卡）") from None
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no conflict
            probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise XlsheetError(f"端口 {port} 已被占用（可能已有一个 xlsheet serve 或其他程序在运行）。"
                               f"请先停止它，或换一个端口，如 --port {port + 1 if port < 65535 else 8000}") from None
        if exc.errno == errno.EACCES:
            raise XlsheetError(f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）。请换一个端口，如 --port 8000，"
                               "或在前面放反向代理") from None
        raise XlsheetError(f"无法在 {host}:{port} 上启动服务：该地址不属于本机，或不可用（{exc.strerror or exc}）") from None


def _cmd_serve(args) -> int:
    try:
        import uvicorn

        from ..serve.app import create_app
    except ImportError:
        raise XlsheetError(MISSING) from None
    _check_address(args.host, args.port)
    app = _open(lambda: create_app(_settings(args)), args)
    print(f"xlsheet serve：http://{args.host}:{args.port}/ （数据目录 {Path(args.data).resolve()}）", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info",
                proxy_headers=args.proxy_headers, server_header=False)
    return 0


def _cmd_admin(args) -> int:
    try:
        from ..serve.security import hash_password
        from ..serve.store import Store
    except ImportError:
        raise XlsheetError(MISSING) from None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass("新密码：")
        if getpass.getpass("再输入一次：") != password:
            raise XlsheetError("两次输入的密码不一致")
    if len(password) < 10:
        raise XlsheetError("密码至少 10 个字符")
    store = _open(lambda: Store(args.data, args.db), args)
    try:
        created = store.set_admin(args.username, hash_password(password))
    finally:
        store.close()
    print(f"已{'创建' if created else '更新'}政务公开办账号“{args.username}”。")
    return 0


def _common(p) -> None:
    p.add_argument("--data", default="xlsheet-data", metavar="目录", help="数据目录（上传的文件、SQLite 数据库），默认 ./xlsheet-data")
    p.add_argument("--db", metavar="数据库URL", help="数据库地址，如 postgresql://user:pass@host/db（默认：数据目录中的 SQLite）")


def register(sub) -> None:
    s = sub.add_parser("serve", help="启动内网网页服务（填报单位上传校验、政务公开办收集汇总）")
    _common(s)
    s.add_argument("--host", default="127.0.0.1", metavar="地址", help="监听地址（默认 127.0.0.1；对内网开放用 0.0.0.0）")
    s.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）")
    s.add_argument("--max-upload-mb", type=float, default=20, metavar="兆字节", help="上传文件大小上限（MB，默认 20）")
    s.add_argument("--workers", type=int, default=2, metavar="个数", help="处理工作簿的工作进程数（默认 2）")
    s.add_argument("--secure-cookie", action="store_true", help="仅通过 HTTPS 发送登录 Cookie（前面有 HTTPS 反向代理时使用）")
    s.add_argument("--proxy-headers", action="store_true", help="信任反向代理的 X-Forwarded-* 头")
    s.add_argument("--quiet", action="store_true", help="只记录警告和错误")
    s.set_defaults(func=_cmd_serve)

    a = sub.add_parser("serve-admin", help="创建政务公开办账号或重设密码（网页服务）")
    _common(a)
    a.add_argument("--username", default="admin", metavar="用户名", help="用户名（默认 admin）")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（脚本用）")
    a.set_defaults(func=_cmd_admin)
