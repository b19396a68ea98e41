"""Persistence for ``xlsheet serve``, and nothing else: the database (SQLite under the data directory, or PostgreSQL)
through SQLAlchemy Core, and the content-addressed file store.

Contracts:
* uploads are stored once per content under ``DATA/blobs/ab/<sha256>.xlsx``, read-only, never deleted or replaced;
  every upload (even of identical bytes) is its own ``submissions`` row with who/when/sha256;
* derived files (marked copy, DOCX, roll-ups) live under ``DATA/derived/<key>/`` where ``key`` is a random hex id
  made here; no user-supplied text ever becomes part of a path;
* the schema (:mod:`.schema`) is versioned; any older database is brought up to date at start-up, each migration
  step in its own transaction;
* SQLite runs in WAL mode with ``synchronous=NORMAL``: a ``kill -9`` loses nothing that was committed.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, event, func, select

from .schema import MIGRATIONS, admins, blobs, county_info, settings, submissions, tokens, units

ALLOWED_SUFFIXES = (".xlsx", ".xlsm")


def now() -> float:
    return time.time()


def new_key() -> str:
    """A random, unguessable hex id (128 bits) for submissions and derived folders."""
    return secrets.token_hex(16)


def new_token() -> str:
    """An unguessable URL-safe unit token (192 bits)."""
    return secrets.token_urlsafe(24)


def engine_for(url: str):
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _record):  # why: WAL = readers never block the writer; consistent after kill -9
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
        return eng
    return create_engine(url, pool_pre_ping=True)


def _private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (then it is left as it is)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


class Store:
    """The database and the file store of one service instance."""

    def __init__(self, data_dir, db_url: str | None = None):
        self.data = Path(data_dir)
        if not self.data.exists():
            # the data holds password hashes, the session key and every unit's workbook: private to the service's
            # user (an existing folder keeps the permissions IT gave it)
            self.data.mkdir(parents=True)
            os.chmod(self.data, 0o700)
        # the folders inside are the service's own: 0700 too (mkdir's mode, which a umask can only narrow)
        (self.data / "blobs").mkdir(mode=0o700, exist_ok=True)
        (self.data / "derived").mkdir(mode=0o700, exist_ok=True)
        (self.data / "tmp").mkdir(mode=0o700, exist_ok=True)
        if db_url is None:
            _private_file(self.data / "xlsheet.sqlite3")  # SQLite gives its -wal/-shm files the same mode
        self.url = db_url or f"sqlite:///{self.data / 'xlsheet.sqlite3'}"
        self.engine = engine_for(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # SQLite has one writer; serialising our own writes avoids lock-upgrade errors under load.
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self.migrate()

    # -- schema ---------------------------------------------------------------------------------------------
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            if not self.engine.dialect.has_table(conn, "settings"):
                return 0
            v = conn.execute(select(settings.c.value).where(settings.c.key == "schema_version")).scalar()
            return int(v or 0)

    def migrate(self) -> int:
        current = self.schema_version()
        for version in sorted(v for v in MIGRATIONS if v > current):
            with self.engine.begin() as conn:
                MIGRATIONS[version](conn)
                self._set(conn, "schema_version", str(version))
        return self.schema_version()

    @staticmethod
    def _set(conn, key: str, value: str) -> None:
        if conn.execute(select(settings.c.key).where(settings.c.key == key)).first():
            conn.execute(settings.update().where(settings.c.key == key).values(value=value))
        else:
            conn.execute(settings.insert().values(key=key, value=value))

    def _write(self):
        return _Locked(self.engine, self._write_lock)

    def secret(self) -> str:
        """The session-signing secret, made once and kept in the database (sessions survive restarts)."""
        with self._write() as conn:
            v = conn.execute(select(settings.c.value).where(settings.c.key == "session_secret")).scalar()
            if v is None:
                v = secrets.token_hex(32)
                self._set(conn, "session_secret", v)
            return v

    # -- files ----------------------------------------------------------------------------------------------
    def blob_path(self, sha: str, suffix: str) -> Path:
        return self.data / "blobs" / sha[:2] / f"{sha}{suffix}"

    def put_blob(self, content: bytes, filename: str) -> tuple[str, Path]:
        """Store ``content`` immutably (once per sha256, fsynced); returns (sha256, path).  The suffix comes from a
        fixed list, never from the user's file name.  Its ``blobs`` row is written with the submission
        (:meth:`add_submission`), in the same transaction."""
        sha = hashlib.sha256(content).hexdigest()
        suffix = next((s for s in ALLOWED_SUFFIXES if filename.lower().endswith(s)), ".xlsx")
        path = self.blob_path(sha, suffix)
        if not path.exists():
            path.parent.mkdir(mode=0o700, exist_ok=True)
            tmp = path.with_name(f".{new_key()}.part")
            with open(tmp, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, path)
        return sha, path

    def derived_dir(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad key")
        return self.data / "derived" / key

    def tmp_dir(self) -> Path:
        path = self.data / "tmp" / new_key()
        path.mkdir(mode=0o700)
        return path

    # -- submissions ----------------------------------------------------------------------------------------
    def add_submission(self, *, blob: Path, **row) -> dict:
        """Record an upload: its ``blob`` (from :meth:`put_blob`) and its ``submissions`` row, in one transaction
        (one round trip to the database per upload)."""
        if self.is_sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        row.setdefault("uploaded_at", now())
        with self._write() as conn:
            # two identical uploads at the same moment: the second blob insert is a no-op, not an error
            conn.execute(insert(blobs).values(sha256=row["sha256"], size=blob.stat().st_size, suffix=blob.suffix,
                                              created_at=row["uploaded_at"]).on_conflict_do_nothing())
            row["id"] = conn.execute(submissions.insert().values(**row)).inserted_primary_key[0]
        return row

    def submission(self, key: str) -> dict | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(submissions).where(submissions.c.key == key)).mappings().first()
            return dict(r) if r else None

    def unit_submissions(self, unit_id: int) -> list[dict]:
        with self.engine.connect() as conn:
            q = select(submissions).where(submissions.c.unit_id == unit_id).order_by(submissions.c.id.desc())
            return [dict(r) for r in conn.execute(q).mappings()]

    def count_submissions(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(submissions)).scalar()

    def passed_by_year(self, unit_id: int) -> dict[int, dict]:
        """The unit's latest passed submission of each report year."""
        with self.engine.connect() as conn:
            q = (select(submissions).where(submissions.c.unit_id == unit_id, submissions.c.status == "passed",
                                           submissions.c.year.is_not(None)).order_by(submissions.c.id))
            return {r["year"]: dict(r) for r in conn.execute(q).mappings()}

    # -- units and tokens -----------------------------------------------------------------------------------
    def add_units(self, names) -> tuple[int, int]:
        """Add units by name (stripped, de-duplicated, each with a fresh token); returns (added, already there)."""
        added = existing = 0
        with self._write() as conn:
            have = {r[0] for r in conn.execute(select(units.c.name))}
            for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
                if name in have:
                    existing += 1
                    continue
                uid = conn.execute(units.insert().values(name=name[:200], created_at=now())).inserted_primary_key[0]
                conn.execute(tokens.insert().values(token=new_token(), unit_id=uid, created_at=now()))
                added += 1
        return added, existing

    def units(self) -> list[dict]:
        with self.engine.connect() as conn:
            active = {r.unit_id: r.token for r in conn.execute(select(tokens).where(tokens.c.revoked_at.is_(None)))}
            return [dict(r, token=active.get(r["id"])) for r in
                    conn.execute(select(units).order_by(units.c.id)).mappings()]

    def unit(self, unit_id: int) -> dict | None:
        return next((u for u in self.units() if u["id"] == unit_id), None)

    def unit_by_token(self, token: str) -> dict | None:
        """The unit of an active (not revoked) token, else None."""
        with self.engine.connect() as conn:
            q = select(units).join(tokens, tokens.c.unit_id == units.c.id).where(
                tokens.c.token == token, tokens.c.revoked_at.is_(None))
            r = conn.execute(q).mappings().first()
            return dict(r, token=token) if r else None

    def revoke(self, unit_id: int, reissue: bool) -> str | None:
        """Revoke the unit's active token; with ``reissue`` give it a new one (returned)."""
        with self._write() as conn:
            conn.execute(tokens.update().where(tokens.c.unit_id == unit_id, tokens.c.revoked_at.is_(None))
                         .values(revoked_at=now()))
            if reissue:
                token = new_token()
                conn.execute(tokens.insert().values(token=token, unit_id=unit_id, created_at=now()))
                return token
        return None

    def update_unit(self, unit_id: int, **values) -> None:
        with self._write() as conn:
            conn.execute(units.update().where(units.c.id == unit_id).values(**values))

    # -- admins ---------------------------------------------------------------------------------------------
    def set_admin(self, username: str, password_hash: str) -> bool:
        """Create the officer account or replace its password; True when created."""
        with self._write() as conn:
            if conn.execute(select(admins.c.id).where(admins.c.username == username)).first():
                conn.execute(admins.update().where(admins.c.username == username)
                             .values(password_hash=password_hash))
                return False
            conn.execute(admins.insert().values(username=username, password_hash=password_hash, created_at=now()))
            return True

    def admin_hash(self, username: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(admins.c.password_hash).where(admins.c.username == username)).scalar()

    # -- the officer's dashboard ----------------------------------------------------------------------------
    def dashboard(self, year: int) -> list[dict]:
        """Per unit: its latest submission for report ``year``, the state (未提交 / 有错误 / 已通过), its uploads
        for that year, duplicates (the same file, or the same agency name, as another unit's latest submission)
        and ``mismatch``: the sentence when that submission's workbook names another agency (else None)."""
        from .agency import agency_mismatch

        rows = self.units()
        with self.engine.connect() as conn:
            q = select(submissions).where(submissions.c.unit_id.is_not(None)).order_by(submissions.c.id)
            latest, count = {}, Counter()
            for s in conn.execute(q).mappings():
                if s["year"] in (year, None):  # uploads for this report year (None: unreadable, year unknown)
                    count[s["unit_id"]] += 1
                    latest[s["unit_id"]] = dict(s)
        by_sha = Counter(s["sha256"] for s in latest.values())
        by_agency = Counter(s["agency"] for s in latest.values() if s["agency"])
        for u in rows:
            s = latest.get(u["id"])
            u["last"], u["uploads"] = s, count[u["id"]]
            u["state"] = "未提交" if s is None else ("已通过" if s["status"] == "passed" else "有错误")
            dup = []
            if s and by_sha[s["sha256"]] > 1:
                dup.append("与其他单位提交了相同文件")
            if s and s["agency"] and by_agency[s["agency"]] > 1:
                dup.append(f"机关名称“{s['agency']}”与其他单位重复")
            u["duplicates"] = dup
            u["mismatch"] = agency_mismatch(u["name"], s["agency"]) if s else None
        return rows

    def county_info(self, year: int) -> dict:
        """The county office's own 基本信息 / 正文 texts for ``year`` ({spec key: text}; {} when none saved)."""
        import json

        with self.engine.connect() as conn:
            v = conn.execute(select(county_info.c.data).where(county_info.c.year == year)).scalar()
            return json.loads(v) if v else {}

    def set_county_info(self, year: int, data: dict, who: str) -> None:
        import json

        row = {"data": json.dumps(data, ensure_ascii=False), "updated_at": now(), "updated_by": who[:64]}
        with self._write() as conn:
            if conn.execute(select(county_info.c.year).where(county_info.c.year == year)).first():
                conn.execute(county_info.update().where(county_info.c.year == year).values(**row))
            else:
                conn.execute(county_info.insert().values(year=year, **row))

    def campaign_year(self) -> int | None:
        """The report year most unit submissions are for (the dashboard's default)."""
        with self.engine.connect() as conn:
            q = (select(submissions.c.year, func.count()).where(submissions.c.unit_id.is_not(None),
                                                               submissions.c.year.is_not(None))
                 .group_by(submissions.c.year).order_by(func.count().desc(), submissions.c.year.desc()))
            r = conn.execute(q).first()
            return r[0] if r else None

    def close(self) -> None:
        self.engine.dispose()


class _Locked:
    """``engine.begin()`` under an optional process-wide lock."""

    def __init__(self, engine, lock):
        self.engine, self.lock, self.ctx = engine, lock, None

    def __enter__(self):
        if self.lock:
            self.lock.acquire()
        try:
            self.ctx = self.engine.begin()
            return self.ctx.__enter__()
        except BaseException:
            if self.lock:
                self.lock.release()
            raise

    def __exit__(self, *exc):
        try:
            return self.ctx.__exit__(*exc)
        finally:
            if self.lock:
                self.lock.release()
