"""The Share server's database (SQLite) and its run-file area on disk.

Tokens and session ids are random 256-bit strings; only their SHA-256 hash is
stored, so a copy of the database does not let anyone upload or log in. A fast
hash is enough because the secrets are random, not chosen by people.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TOKEN_PREFIX = "oos_"
MAX_NAME_LENGTH = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    experiment_name TEXT NOT NULL,
    run_number TEXT NOT NULL DEFAULT '',
    public INTEGER NOT NULL DEFAULT 0,
    live INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'uploading',
    summary TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_owner ON runs(owner_id);
CREATE INDEX IF NOT EXISTS runs_updated ON runs(updated_at);
"""

#: Sessions of the web pages last this long (seconds).
SESSION_LIFETIME_S = 7 * 24 * 3600


class StoreError(Exception):
    """A request the store refuses (unknown user, duplicate name, bad name)."""


@dataclasses.dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class Run:
    id: str
    owner_id: int
    owner_name: str
    experiment_name: str
    run_number: str
    public: bool
    live: bool
    status: str
    summary: dict[str, Any]
    version: int
    created_at: float
    updated_at: float


def hash_secret(secret: str) -> str:
    """The stored form of a token or session id."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_name(kind: str, name: str) -> str:
    """A user or experiment name: 1..200 printable characters, no control characters."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise StoreError(
            f"invalid {kind} name {name[:40]!r}: use 1 to {MAX_NAME_LENGTH} printable characters"
        )
    return name


class ShareStore:
    """Users, tokens, sessions and runs of one data directory."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir).resolve()
        self.runs_dir = self.data_dir / "runs"
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.data_dir / "share.sqlite3"
        self._local = threading.local()
        self._connection().executescript(_SCHEMA)

    # -- connections ---------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            # WAL lets readers go on while an upload writes.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return self._connection().execute(sql, args).fetchall()

    # -- users and tokens ----------------------------------------------------------
    def create_user(self, name: str) -> User:
        name = check_name("user", name)
        try:
            with self._db() as db:
                cur = db.execute("INSERT INTO users(name, created_at) VALUES (?, ?)", (name, time.time()))
        except sqlite3.IntegrityError:
            raise StoreError(f"user {name!r} exists already") from None
        return User(id=int(cur.lastrowid or 0), name=name)

    def user_by_name(self, name: str) -> User:
        rows = self._query("SELECT id, name FROM users WHERE name = ?", (name,))
        if not rows:
            raise StoreError(f"no user {name!r}: create it with 'omniopt share admin create-user'")
        return User(id=rows[0]["id"], name=rows[0]["name"])

    def create_token(self, user_name: str, label: str = "") -> str:
        """A new upload token for a user; the plain token is returned once and never stored."""
        user = self.user_by_name(user_name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute(
                "INSERT INTO tokens(user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)",
                (user.id, hash_secret(token), label, time.time()),
            )
        return token

    def user_for_token(self, token: str) -> User | None:
        if not token:
            return None
        rows = self._query(
            "SELECT users.id, users.name FROM tokens JOIN users ON users.id = tokens.user_id "
            "WHERE tokens.token_hash = ?",
            (hash_secret(token),),
        )
        return User(id=rows[0]["id"], name=rows[0]["name"]) if rows else None

    # -- browser sessions ------------------------------------------------------------
    def create_session(self, user: User) -> tuple[str, str]:
        """(session id, CSRF token) for a logged-in browser."""
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute(
                "INSERT INTO sessions(id_hash, user_id, csrf, created_at) VALUES (?, ?, ?, ?)",
                (hash_secret(session_id), user.id, csrf, time.time()),
            )
        return session_id, csrf

    def session(self, session_id: str) -> tuple[User, str] | None:
        """The user and CSRF token of a live session."""
        if not session_id:
            return None
        rows = self._query(
            "SELECT users.id, users.name, sessions.csrf, sessions.created_at FROM sessions "
            "JOIN users ON users.id = sessions.user_id WHERE sessions.id_hash = ?",
            (hash_secret(session_id),),
        )
        if not rows or rows[0]["created_at"] < time.time() - SESSION_LIFETIME_S:
            return None
        return User(id=rows[0]["id"], name=rows[0]["name"]), rows[0]["csrf"]

    def delete_session(self, session_id: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (hash_secret(session_id),))

    # -- runs ------------------------------------------------------------------------
    def run_files(self, run_id: str) -> Path:
        """The folder holding a run's uploaded files."""
        return self.runs_dir / run_id / "files"

    def create_run(
        self, owner: User, experiment_name: str, run_number: str = "", *, public: bool = False, live: bool = False
    ) -> Run:
        experiment_name = check_name("experiment", experiment_name)
        run_id = secrets.token_urlsafe(16)  # 128 bits: the private link cannot be guessed
        now = time.time()
        with self._db() as db:
            db.execute(
                "INSERT INTO runs(id, owner_id, experiment_name, run_number, public, live, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, owner.id, experiment_name, run_number[:40], int(public), int(live), now, now),
            )
        self.run_files(run_id).mkdir(parents=True, exist_ok=True)
        run = self.get_run(run_id)
        assert run is not None
        return run

    _RUN_SELECT = (
        "SELECT runs.*, users.name AS owner_name FROM runs JOIN users ON users.id = runs.owner_id "
    )

    @staticmethod
    def _run(row: sqlite3.Row) -> Run:
        return Run(
            id=row["id"], owner_id=row["owner_id"], owner_name=row["owner_name"],
            experiment_name=row["experiment_name"], run_number=row["run_number"],
            public=bool(row["public"]), live=bool(row["live"]), status=row["status"],
            summary=json.loads(row["summary"]), version=row["version"],
            created_at=row["created_at"], updated_at=row["updated_at"],
        )

    def get_run(self, run_id: str) -> Run | None:
        rows = self._query(self._RUN_SELECT + "WHERE runs.id = ?", (run_id,))
        return self._run(rows[0]) if rows else None

    def run_version(self, run_id: str) -> int | None:
        rows = self._query("SELECT version FROM runs WHERE id = ?", (run_id,))
        return rows[0]["version"] if rows else None

    def update_run(self, run_id: str, *, status: str, summary: dict[str, Any]) -> int:
        """Record a finished upload; returns the new version."""
        with self._db() as db:
            db.execute(
                "UPDATE runs SET status = ?, summary = ?, version = version + 1, updated_at = ? WHERE id = ?",
                (status, json.dumps(summary), time.time(), run_id),
            )
            row = db.execute("SELECT version FROM runs WHERE id = ?", (run_id,)).fetchone()
        return int(row["version"]) if row else 0

    def set_public(self, run_id: str, public: bool) -> None:
        with self._db() as db:
            db.execute("UPDATE runs SET public = ?, version = version + 1 WHERE id = ?", (int(public), run_id))

    def list_runs(self, viewer: User | None, query: str = "", limit: int = 500) -> list[Run]:
        """Public runs plus the viewer's own, newest first, filtered by a search text."""
        where = ["(runs.public = 1 OR runs.owner_id = ?)"]
        args: list[Any] = [viewer.id if viewer else -1]
        for word in query.split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                "(runs.experiment_name LIKE ? ESCAPE '\\' OR users.name LIKE ? ESCAPE '\\' "
                "OR runs.summary LIKE ? ESCAPE '\\')"
            )
            args += [pattern, pattern, pattern]
        sql = self._RUN_SELECT + "WHERE " + " AND ".join(where) + " ORDER BY runs.updated_at DESC LIMIT ?"
        return [self._run(row) for row in self._query(sql, (*args, limit))]

    def all_runs(self) -> list[Run]:
        return [self._run(row) for row in self._query(self._RUN_SELECT + "ORDER BY runs.updated_at DESC")]

    def delete_run(self, run_id: str) -> bool:
        with self._db() as db:
            deleted = db.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount
        shutil.rmtree(self.runs_dir / run_id, ignore_errors=True)
        return bool(deleted)

    def purge_older_than(self, days: float) -> list[str]:
        """Delete runs not updated for ``days`` days; returns their ids."""
        cutoff = time.time() - days * 86400
        old = [row["id"] for row in self._query("SELECT id FROM runs WHERE updated_at < ?", (cutoff,))]
        for run_id in old:
            self.delete_run(run_id)
        return old
