"""The database: engines, and the one-transaction-per-call scope.

SQLite (the embedded default) runs in WAL mode with durable commits and a busy timeout; write
transactions start with ``BEGIN IMMEDIATE`` so writers are serialized by the database's own write
lock. PostgreSQL serializes per-enterprise card appends with a row lock on the card (see
``inspection.domain.card``). No process-local lock is involved, so many replicas can share one
PostgreSQL database.

On SQLite a process writes through one pooled connection: the database admits one writer at a
time anyway, and a thread waiting for that connection is woken as soon as it is returned, where a
thread waiting in ``BEGIN IMMEDIATE`` polls in SQLite's busy handler, sleeping up to 100 ms a time.
That is a connection-pool size, not a lock over card appends: appends are still serialized by the
database's write lock, which is what keeps writers in other processes (sharing the file, waiting
in the busy handler) correct.

Reads on SQLite go through a few connections (``SQLITE_READERS``), not one per worker thread: the
driver releases the GIL around every row it steps, so with many readers each row of a page hands
the GIL to another thread, and a page of fifty costs more in thread hand-offs than in work. A few
connections keep short reads flowing beside a long one (VerifyCard of a large card); a read that
waits 30 s for a connection is refused as busy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from inspection.errors import Conflict, ResourceExhausted, Unavailable
from inspection.reasons import Reason

T = TypeVar("T")

#: How often a write transaction is retried after losing a race (unique key, lock, serialization).
WRITE_ATTEMPTS = 4
#: How long a write waits for SQLite's write lock held by another process (the busy timeout), and
#: for this process's writer connection, before it fails.
WRITE_WAIT_SECONDS = 30.0
#: Reader connections of one process on SQLite (see the module's docstring).
SQLITE_READERS = 4
#: How long a read waits for a reader connection before it is refused as busy.
READ_WAIT_SECONDS = 30.0
#: How long a new PostgreSQL connection may take before the database counts as unreachable.
CONNECT_TIMEOUT_SECONDS = 5


class _SQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite with the service's connection settings and transaction start built in.

    The driver is put in autocommit mode, so it never opens a transaction by itself, and
    ``do_begin`` opens each one: ``BEGIN``, or ``BEGIN IMMEDIATE`` on the writer engine so that a
    write takes the database's write lock before its first read. Being the dialect's own behaviour
    rather than "connect" and "begin" event listeners, this leaves the engines without connection
    events, which SQLAlchemy would otherwise dispatch around every statement (a measurable share of
    a statement as cheap as most of ours).
    """

    supports_statement_cache = True

    def __init__(self, begin_statement: str = "BEGIN", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.begin_statement = begin_statement

    def on_connect(self) -> Callable[[Any], None]:
        driver_set_up = super().on_connect()

        def set_up(dbapi_connection: Any) -> None:
            if driver_set_up is not None:
                driver_set_up(dbapi_connection)
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA busy_timeout={int(WRITE_WAIT_SECONDS * 1000)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return set_up

    def do_begin(self, dbapi_connection: Any) -> None:
        # A failure (e.g. "database is locked" after the busy timeout) reaches run_write as
        # SQLAlchemy's OperationalError, like any other statement's. Without a begin statement
        # (the engine of single-statement reads) each statement is its own read transaction.
        if self.begin_statement:
            dbapi_connection.execute(self.begin_statement).close()


registry.register("sqlite.inspection", __name__, "_SQLiteDialect")


def _sqlite_engine(url: str, *, begin: str, pool_size: int, max_overflow: int, pool_timeout: float) -> Engine:
    return create_engine(
        make_url(url).set(drivername="sqlite+inspection"),
        begin_statement=begin,
        connect_args={"check_same_thread": False, "timeout": WRITE_WAIT_SECONDS},
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
    )


class Database:
    """Owns the engines; hands out one session with one transaction per call."""

    def __init__(
        self, url: str, *, pool_size: int = 16, write_wait_seconds: float = WRITE_WAIT_SECONDS
    ) -> None:
        self.url = url
        if url.startswith("sqlite"):
            self.dialect = "sqlite"
            # One writer connection (see the module's docstring); threads queue for it in the pool.
            self.writer = _sqlite_engine(
                url, begin="BEGIN IMMEDIATE", pool_size=1, max_overflow=0, pool_timeout=write_wait_seconds
            )
            self.reader = _sqlite_engine(
                url,
                begin="BEGIN",
                pool_size=min(pool_size, SQLITE_READERS),
                max_overflow=0,
                pool_timeout=READ_WAIT_SECONDS,
            )
            # Reads of one statement, each its own snapshot: no BEGIN and COMMIT around them.
            self.single = _sqlite_engine(
                url,
                begin="",
                pool_size=min(pool_size, SQLITE_READERS),
                max_overflow=0,
                pool_timeout=READ_WAIT_SECONDS,
            )
        else:
            self.dialect = "postgresql"
            self.writer = create_engine(
                url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                # An unreachable server is an answer (UNAVAILABLE) within seconds, not a hung call.
                connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
            )
            self.reader = self.writer
            self.single = self.writer

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session in one transaction (a consistent snapshot)."""
        with _honest(), Session(self.reader, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read_rows(self) -> Iterator[Connection]:
        """A read-only Core connection in one transaction, for reads that need plain rows only.

        The same snapshot as ``read`` without the ORM session's set-up and tear-down, which cost
        more than the whole statement of the most frequent reads (GetCard, ListCardEntries).
        """
        with _honest(), self.reader.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def read_statement(self) -> Iterator[Connection]:
        """A read-only Core connection for a read of one statement, which is its own consistent
        snapshot, so no transaction is opened around it: on PostgreSQL it runs in autocommit (one
        round trip instead of three: BEGIN, the statement, COMMIT); on SQLite it comes from an
        engine that sends no BEGIN."""
        with _honest(), self.single.connect() as connection:
            if self.dialect == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back on any exception."""
        with _honest(), Session(self.writer, expire_on_commit=False) as session, session.begin():
            yield session

    def run_write(self, work: Callable[[Session], T]) -> T:
        """Runs ``work(session)`` in a write transaction, retrying when a concurrent writer won.

        A unique-key violation or a lock/serialization failure means another transaction changed
        the same rows first; the whole unit of work runs again on fresh state, so its rule checks
        see the winner's change.
        """
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with (
                    _busy_refused(),
                    Session(self.writer, expire_on_commit=False) as session,
                    session.begin(),
                ):
                    return work(session)
            except DBAPIError as exc:
                if not _is_retryable(exc) or attempt == WRITE_ATTEMPTS:
                    with _honest():
                        raise
                time.sleep(0.005 * attempt)
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()
        if self.single is not self.writer:
            self.single.dispose()


@contextmanager
def _busy_refused() -> Iterator[None]:
    """A wait for a pooled connection that timed out (every one stayed in use by other calls) is
    refused as busy, for the caller to retry, rather than failing as an internal error."""
    try:
        yield
    except PoolTimeout as exc:
        raise ResourceExhausted("the database is busy; retry later", reason=Reason.DATABASE_BUSY) from exc


@contextmanager
def _honest() -> Iterator[None]:
    """The database's failures as the caller should see them: a lost race is ``ABORTED``
    (retry), a lock or pool wait that ran out is ``RESOURCE_EXHAUSTED`` (retry later), and a
    database that cannot be reached — refused, dropped, shut down, terminated — is ``UNAVAILABLE``
    (retry, here or on another replica). A write that fails this way was rolled back, or, if the
    connection was lost during its commit, may have been committed: a retry with the same
    ``request_id`` tells which, since the response is committed with the write."""
    try:
        with _busy_refused():
            yield
    except (IntegrityError, OperationalError, InterfaceError) as exc:
        if isinstance(exc, IntegrityError):
            if _is_retryable(exc):
                raise Conflict(
                    "a concurrent change conflicted with this one; retry with the same request_id"
                ) from exc
            raise
        text = str(exc.orig).lower()
        if any(s in text for s in ("database is locked", "lock timeout")):
            raise ResourceExhausted("the database is busy; retry later", reason=Reason.DATABASE_BUSY) from exc
        if any(s in text for s in ("deadlock", "could not serialize")):
            raise Conflict(
                "a concurrent change conflicted with this one; retry with the same request_id"
            ) from exc
        raise _unavailable() from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise _unavailable() from exc
        raise


def _unavailable() -> Unavailable:
    return Unavailable("the database cannot be reached; retry later", reason=Reason.DATABASE_UNAVAILABLE)


def _is_retryable(exc: DBAPIError) -> bool:
    if not isinstance(exc, (IntegrityError, OperationalError)):
        return False
    text = str(exc.orig).lower()
    if isinstance(exc, IntegrityError):
        # Only a duplicate key means another transaction got there first.
        return "unique" in text or "duplicate key" in text
    return any(s in text for s in ("database is locked", "deadlock", "could not serialize", "lock timeout"))
