"""The company database: peewee on apsw, one SQLite file per company, routed per request.

Every model is bound to :data:`router`, which forwards to the database of the
company the current request (or CLI command, or job) works on. The choice is a
context variable, so two threads serving two companies never see each other's
file; peewee keeps one connection per thread and per company.

Pragmas (DESIGN §3): WAL so readers never block the till, ``synchronous=FULL`` so
a committed sale survives a power cut, foreign keys on, a busy timeout. Writes go
through :func:`write`, a ``BEGIN IMMEDIATE`` transaction that takes SQLite's one
writer lock first instead of failing halfway with SQLITE_BUSY.
"""
from __future__ import annotations

import contextlib
import contextvars
import threading

import apsw
import peewee
from playhouse.apsw_ext import APSWDatabase

from equisis.store.errors import PostedRowImmutable, ReadOnlyCompany, StorageFull

BUSY_TIMEOUT_S = 10
WRITER_QUEUE_TIMEOUT_S = 120
IMMUTABLE_MARK = "equisis:immutable:"


class CompanyDatabase(APSWDatabase):
    """An APSW-backed peewee database for one company.db."""

    def __init__(self, path, *, read_only: bool = False):
        self.read_only = read_only
        # The server's threads queue here for the one writer slot: SQLite's busy handler polls with growing
        # sleeps, so under eight busy writers an unlucky one could lose every race for the whole busy timeout
        # and see "database is locked"; a lock wakes the next waiter as soon as the writer commits.
        self.writer_lock = threading.Lock()
        if read_only:
            flags = apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI
            pragmas = [("foreign_keys", "ON"), ("query_only", "ON")]
        else:
            flags = apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE | apsw.SQLITE_OPEN_URI
            pragmas = [("journal_mode", "WAL"), ("synchronous", "FULL"), ("foreign_keys", "ON")]
        super().__init__(str(path), pragmas=pragmas, timeout=BUSY_TIMEOUT_S, flags=flags)

    def connection_filename(self) -> str:
        """The file this thread's connection really has open (for tests and doctor)."""
        return self.connection().db_filename("main")


class CompanyRouter(peewee.DatabaseProxy):
    """A DatabaseProxy whose target is the current context's company database."""

    __slots__ = ()
    _current: contextvars.ContextVar = contextvars.ContextVar("equisis_company_db", default=None)

    @property
    def obj(self):
        return self._current.get()

    def __setattr__(self, attr, value):
        if attr == "obj":
            if value is not None:
                raise AttributeError("use equisis.store.use_database() to choose the company database")
            return
        object.__setattr__(self, attr, value)


router = CompanyRouter()


def current_database() -> CompanyDatabase:
    database = router.obj
    if database is None:
        raise RuntimeError("no company database chosen for this context")
    return database


@contextlib.contextmanager
def use_database(database: CompanyDatabase):
    """Route every model to ``database`` for the duration of the block (this context only)."""
    token = CompanyRouter._current.set(database)
    try:
        yield database
    finally:
        CompanyRouter._current.reset(token)


def _apsw_cause(exc: BaseException):
    seen = exc
    while seen is not None:
        if isinstance(seen, apsw.Error):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def translate_database_error(exc: Exception) -> Exception:
    """Turn a disk-full or immutable-row failure into the user error it really is."""
    cause = _apsw_cause(exc)
    text = str(exc)
    if isinstance(cause, apsw.FullError) or "database or disk is full" in text:
        return StorageFull()
    if IMMUTABLE_MARK in text:
        what = text.split(IMMUTABLE_MARK, 1)[1].split()[0].strip("'\"")
        return PostedRowImmutable(what=what)
    return exc


@contextlib.contextmanager
def write():
    """One write use case: ``BEGIN IMMEDIATE`` ... COMMIT, or a savepoint when nested.

    Disk-full and posted-row violations roll the whole transaction back and
    surface as StorageFull / PostedRowImmutable.
    """
    database = current_database()
    if database.read_only:
        raise ReadOnlyCompany()
    queued = not database.in_transaction() and database.writer_lock.acquire(timeout=WRITER_QUEUE_TIMEOUT_S)
    try:
        with database.atomic("IMMEDIATE") as transaction:
            yield transaction
    except (peewee.PeeweeException, apsw.Error) as exc:
        translated = translate_database_error(exc)
        if translated is exc:
            raise
        raise translated from exc
    finally:
        if queued:
            database.writer_lock.release()


def in_write_transaction() -> bool:
    return current_database().in_transaction()


class BaseModel(peewee.Model):
    class Meta:
        database = router
        legacy_table_names = False
