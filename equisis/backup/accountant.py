"""``equisis open PATH``: the accountant's copy — a company folder or a backup archive in a local browser.

An archive is unpacked (every checksum verified) into a temporary instance and
served read-only; an archive from an older Equisis is brought up to date in
that temporary copy, never in the archive. A company folder is served
read-write unless asked otherwise, which the store refuses with its own clear
message when another server holds the folder or it lies on a network share;
``read_only`` opens it anyway without writing a byte. Pure Python: Linux,
macOS and Windows.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from equisis.backup import rules
from equisis.backup.archive import ArchiveReader
from equisis.backup.errors import ArchiveFromNewerVersion, NotACompanyFolder
from equisis.store.company import SLUG, CompanyStore


@dataclass
class OpenPlan:
    instance_path: Path
    read_only: bool
    slug: str | None            # the company to show first (None: the instance's start page)
    temp: Path | None = None    # removed by cleanup()

    def cleanup(self) -> None:
        if self.temp is not None:
            shutil.rmtree(self.temp, ignore_errors=True)
            self.temp = None


def is_archive(path: Path) -> bool:
    path = Path(path)
    if path.is_file():
        return True
    return not path.exists() and path.with_name(rules.part_name(path.name, 1)).is_file()


def prepare(path: Path, schema, *, read_only: bool = False) -> OpenPlan:
    """What to serve for PATH: a temporary instance around it, or the instance folder itself."""
    path = Path(path).expanduser()
    if is_archive(path):
        return _from_archive(path, schema)
    if (path / "company.db").is_file():
        return _from_company_folder(path, schema, read_only)
    if (path / "companies").is_dir():
        if not read_only:
            for folder in sorted((path / "companies").iterdir()):
                if SLUG.match(folder.name) and (folder / "company.db").exists():
                    CompanyStore.open(folder, schema).close()
        return OpenPlan(path.resolve(), read_only, None)
    raise NotACompanyFolder(path=str(path))


def _from_archive(path: Path, schema) -> OpenPlan:
    temp = Path(tempfile.mkdtemp(prefix="equisis-open-"))
    try:
        with ArchiveReader(path) as reader:
            manifest = reader.manifest
            newer = rules.newer_parts(manifest, {p.package: p.latest for p in schema})
            if newer:
                raise ArchiveFromNewerVersion(archive=reader.label, version=manifest["app_version"],
                                              detail=", ".join(newer))
            slug = manifest["company"]["slug"]
            folder = temp / "companies" / slug
            reader.extract_verified(folder)
        CompanyStore.open(folder, schema).close()  # migrations of an older archive, in the copy only
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return OpenPlan(temp, True, slug, temp)


def _from_company_folder(folder: Path, schema, read_only: bool) -> OpenPlan:
    folder = folder.resolve()
    if not read_only:
        CompanyStore.open(folder, schema).close()  # CompanyLocked, NetworkFolderRefused… say why not
    slug = folder.name if SLUG.match(folder.name) else "company"
    temp = Path(tempfile.mkdtemp(prefix="equisis-open-"))
    try:
        (temp / "companies").mkdir()
        os.symlink(folder, temp / "companies" / slug, target_is_directory=True)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)
        if folder.parent.name == "companies" and SLUG.match(folder.name):  # Windows without symlink rights
            return OpenPlan(folder.parent.parent, read_only, folder.name)
        raise
    return OpenPlan(temp, read_only, slug, temp)
