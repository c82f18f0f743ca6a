"""Company folders: ``<instance>/companies/<slug>/`` with company.db, documents/ and backups/.

Opening a folder for writing: refuse a network share, take the folder lock,
inspect the database without writing (is it SQLite, is it sound, is it from a
newer Equisis?), back it up if migrations are pending, then migrate.
A refused database is never written to.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from pathlib import Path

import apsw

from equisis.store import backup, fsinfo
from equisis.store.database import CompanyDatabase, use_database, write
from equisis.store.errors import (CompanyExists, CompanyNotFound, CompanyUnavailable, DatabaseCorrupt,
                                  DatabaseFromNewerVersion, InvalidSlug, NetworkFolderRefused)
from equisis.store.lock import FolderLock
from equisis.store.migrate import (AppliedMigration, PackageMigrations, describe, pending_migrations,
                                   unknown_migrations)
from equisis.version import __version__

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}\Z")  # \Z: "$" would accept "deco\n"
SQLITE_HEADER = b"SQLite format 3\x00"


def check_slug(slug: str) -> str:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise InvalidSlug(slug, field="slug")
    return slug


def slugify(name: str) -> str:
    """'Déco Sophie SRL' -> 'deco-sophie-srl' (a folder name that is safe everywhere)."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40].strip("-")
    return slug if len(slug) >= 2 else "company"


def inspect_database(path: Path, *, check_pages: bool = True) -> list[AppliedMigration]:
    """Read-only look at an existing company.db: its applied migrations, or DatabaseCorrupt.

    ``check_pages`` runs SQLite's quick_check, which reads every page (about 0.7 s for a
    400 MB database): a server opening a company for writing does it once at start, so a
    damaged file is refused before anything is written to it. Read-only openers (reports
    from the command line, doctor, the accountant's copy) skip it: they write nothing, and
    doctor runs the full integrity_check itself.
    """
    with open(path, "rb") as handle:
        header = handle.read(16)
    if header != SQLITE_HEADER:
        raise DatabaseCorrupt(path=str(path), detail="not an SQLite database")
    # A read-only connection to a WAL database still creates -wal and -shm files next to it. When no
    # -wal or -journal is left over (a clean close), the main file holds everything: open it immutable,
    # which creates nothing. Otherwise SQLite must read the leftover file, and the sidecars exist already.
    leftovers = any(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-journal"))
    uri = path.resolve().as_uri() + ("?mode=ro" if leftovers else "?immutable=1")
    try:
        conn = apsw.Connection(uri, flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI)
    except apsw.Error as exc:
        raise DatabaseCorrupt(path=str(path), detail=str(exc)) from exc
    try:
        if check_pages:
            check = conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise DatabaseCorrupt(path=str(path), detail="; ".join(str(r[0]) for r in check[:3]))
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migration'").fetchone()
        if not has_table:
            return []
        rows = conn.execute("SELECT package, number, app_version FROM schema_migration").fetchall()
        return [AppliedMigration(p, n, v) for p, n, v in rows]
    except apsw.Error as exc:
        raise DatabaseCorrupt(path=str(path), detail=str(exc)) from exc
    finally:
        conn.close()


class CompanyStore:
    """One open company folder. Use ``with store.session():`` to route models to it."""

    def __init__(self, folder: Path, database: CompanyDatabase, lock: FolderLock | None):
        self.folder = folder
        self.slug = folder.name
        self.database = database
        self.lock = lock
        self.migrated_with_backup: Path | None = None

    @property
    def read_only(self) -> bool:
        return self.database.read_only

    @property
    def db_path(self) -> Path:
        return self.folder / "company.db"

    @property
    def documents_dir(self) -> Path:
        return self.folder / "documents"

    @property
    def backups_dir(self) -> Path:
        return self.folder / "backups"

    @classmethod
    def open(cls, folder: Path, schema: list[PackageMigrations], *, read_only: bool = False,
             create: bool = False) -> "CompanyStore":
        folder = Path(folder)
        db_path = folder / "company.db"
        if not create and not db_path.exists():
            raise CompanyNotFound(slug=folder.name)
        lock = None
        if not read_only:
            network = fsinfo.network_filesystem_of(folder)
            if network:
                raise NetworkFolderRefused(path=str(folder), fstype=network)
            folder.mkdir(parents=True, exist_ok=True)
            lock = FolderLock(folder)
            lock.acquire()
        try:
            applied = (inspect_database(db_path, check_pages=not read_only)
                       if db_path.exists() and db_path.stat().st_size else [])
            newer = unknown_migrations(applied, schema)
            if newer:
                raise DatabaseFromNewerVersion(path=str(db_path), detail=describe(newer))
            store = cls(folder, CompanyDatabase(db_path, read_only=read_only), lock)
            if not read_only:
                (folder / "documents").mkdir(exist_ok=True)
                store._migrate(schema, applied)
            return store
        except BaseException:
            if lock:
                lock.release()
            raise

    def _migrate(self, schema: list[PackageMigrations], applied: list[AppliedMigration]) -> None:
        from equisis.store.models import SchemaMigration

        todo = pending_migrations(applied, schema)
        if not todo:
            return
        with self.session():
            if applied:  # an existing company: keep a copy of the pre-migration state
                stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                self.migrated_with_backup = backup.online_backup(
                    self.database.connection(), self.backups_dir / f"pre-migration-{stamp}.db")
            self.database.create_tables([SchemaMigration])
            for package, migration in todo:
                with write():
                    migration.apply()
                    SchemaMigration.create(package=package, number=migration.number, name=migration.name,
                                           applied_at=dt.datetime.now(dt.timezone.utc).isoformat(),
                                           app_version=__version__)

    @contextlib.contextmanager
    def session(self):
        """Route models to this company for the block (this thread / context only)."""
        with use_database(self.database):
            yield self

    def close(self) -> None:
        self.database.close()
        if self.lock:
            self.lock.release()


class Instance:
    """The instance folder: every company under ``companies/``, opened on demand and kept open.

    Thread-safe: waitress threads may ask for any company at any time.
    """

    def __init__(self, root: Path, schema: list[PackageMigrations], *, read_only: bool = False):
        self.root = Path(root)
        self.schema = schema
        self.read_only = read_only
        self.companies_dir = self.root / "companies"
        self._stores: dict[str, CompanyStore] = {}
        self._released: set[str] = set()
        self._guard = threading.Lock()

    def slugs(self) -> list[str]:
        if not self.companies_dir.is_dir():
            return []
        return sorted(p.name for p in self.companies_dir.iterdir()
                      if SLUG.match(p.name) and (p / "company.db").exists())

    def exists(self, slug: str) -> bool:
        return bool(SLUG.match(slug or "")) and (self.companies_dir / slug / "company.db").exists()

    def create(self, slug: str) -> CompanyStore:
        check_slug(slug)
        with self._guard:
            folder = self.companies_dir / slug
            if (folder / "company.db").exists():
                raise CompanyExists(slug=slug)
            store = CompanyStore.open(folder, self.schema, create=True)
            self._stores[slug] = store
            return store

    def get(self, slug: str) -> CompanyStore:
        check_slug(slug)
        with self._guard:
            if slug in self._released:
                raise CompanyUnavailable(slug=slug)
            store = self._stores.get(slug)
            if store is None:
                store = CompanyStore.open(self.companies_dir / slug, self.schema, read_only=self.read_only)
                self._stores[slug] = store
            return store

    def open_stores(self) -> list[tuple[str, CompanyStore]]:
        """The companies this process has opened so far (opens none), as (slug, store)."""
        with self._guard:
            return sorted(self._stores.items())

    @contextlib.contextmanager
    def released(self, slug: str):
        """Close one company (database and folder lock) and keep it closed for the block, so its folder can
        be replaced (a restore); get() raises CompanyUnavailable meanwhile and reopens it afterwards.

        Requests already running keep the connections they hold to the old files.
        """
        check_slug(slug)
        with self._guard:
            if slug in self._released:
                raise CompanyUnavailable(slug=slug)
            self._released.add(slug)
            store = self._stores.pop(slug, None)
        try:
            if store is not None:
                store.close()
            yield
        finally:
            with self._guard:
                self._released.discard(slug)

    def close(self) -> None:
        with self._guard:
            for store in self._stores.values():
                store.close()
            self._stores.clear()
