"""The database schema of ``xlsheet serve`` (SQLAlchemy Core tables) and its migrations.

:data:`SCHEMA_VERSION` is the version this code needs; ``settings.schema_version`` the version a database has.
:data:`MIGRATIONS` maps each version to the step that brings the previous one to it; a fresh database runs them all
in order (see :meth:`xlsheet.serve.store.Store.migrate`).  A new column or table = a new step, never an edit of an
old one.
"""
from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, MetaData, String, Table, Text, text

SCHEMA_VERSION = 3

metadata = MetaData()

settings = Table("settings", metadata, Column("key", String(64), primary_key=True), Column("value", Text))
admins = Table("admins", metadata,
               Column("id", Integer, primary_key=True),
               Column("username", String(64), unique=True, nullable=False),
               Column("password_hash", String(256), nullable=False),
               Column("created_at", Float, nullable=False))
units = Table("units", metadata,
              Column("id", Integer, primary_key=True),
              Column("name", String(200), unique=True, nullable=False),
              Column("created_at", Float, nullable=False),
              Column("feedback", Text))  # added by migration 2
tokens = Table("unit_tokens", metadata,
               Column("token", String(64), primary_key=True),
               Column("unit_id", Integer, ForeignKey("units.id"), nullable=False, index=True),
               Column("created_at", Float, nullable=False),
               Column("revoked_at", Float))
blobs = Table("blobs", metadata,
              Column("sha256", String(64), primary_key=True),
              Column("size", Integer, nullable=False),
              Column("suffix", String(8), nullable=False),
              Column("created_at", Float, nullable=False))
submissions = Table("submissions", metadata,
                    Column("id", Integer, primary_key=True),
                    Column("key", String(32), unique=True, nullable=False),
                    Column("unit_id", Integer, ForeignKey("units.id"), index=True),
                    Column("source", String(16), nullable=False),  # unit | public | api | county
                    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False, index=True),
                    Column("filename", String(255), nullable=False),
                    Column("uploaded_at", Float, nullable=False),
                    Column("uploader", String(255), nullable=False),
                    Column("status", String(16), nullable=False),  # passed | errors | unreadable
                    Column("year", Integer), Column("format", String(16)), Column("agency", String(255)),
                    Column("errors", Integer, nullable=False, default=0),
                    Column("warnings", Integer, nullable=False, default=0),
                    Column("message", Text), Column("result_json", Text),
                    Column("marked", String(255)), Column("docx", String(255)))
# The county office's own 基本信息 and 正文 per report year (added by migration 3): JSON {spec key: text}.
county_info = Table("county_info", metadata,
                    Column("year", Integer, primary_key=True),
                    Column("data", Text, nullable=False),
                    Column("updated_at", Float, nullable=False),
                    Column("updated_by", String(64), nullable=False))

def _v1(conn) -> None:
    # The first schema shipped without units.feedback; it is created as it was, so that migration 2 is real.
    Table("units", MetaData(), Column("id", Integer, primary_key=True),
          Column("name", String(200), unique=True, nullable=False),
          Column("created_at", Float, nullable=False)).create(conn, checkfirst=True)
    later = ("units", "county_info")
    metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t.name not in later], checkfirst=True)


def _v2(conn) -> None:
    conn.execute(text("ALTER TABLE units ADD COLUMN feedback TEXT"))


def _v3(conn) -> None:
    county_info.create(conn, checkfirst=True)


#: version -> step; a fresh database runs them all in order.
MIGRATIONS = {1: _v1, 2: _v2, 3: _v3}
