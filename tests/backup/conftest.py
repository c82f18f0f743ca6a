"""Backup fixtures: real company folders with documents and attachments, real archives, real FAT sticks."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from equisis import doctor
from equisis.backup import service
from equisis.documents import letters
from equisis.documents import service as documents
from equisis.schema import all_migrations
from equisis.store import Instance
from tests.factories import make_company

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
NOW = dt.datetime(2026, 3, 14, 2, 30, 0)


def add_documents(store, count: int = 2) -> None:
    """A test letter (a real archived PDF) and ``count`` attachments on the company record."""
    with store.session():
        letters.print_test_letter(store, "fr", dt.datetime(2026, 3, 10, 9, 0).astimezone())
        for n in range(count):
            documents.add_attachment(store, "company", 1, PDF + str(n).encode(), f"receipt-{n}.pdf")


def fingerprint(folder: Path) -> dict:
    """sha256 of company.db and every document of a closed company folder (what 'untouched' means)."""
    files = [folder / "company.db", *sorted((folder / "documents").rglob("*"))]
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files if p.is_file()}


def healthy(store) -> bool:
    return all(not problems for _name, problems in doctor.run(store))


@pytest.fixture
def shop(instance):
    """A company with documents, open in ``instance`` (as the server would hold it)."""
    slug = make_company(instance)
    store = instance.get(slug)
    add_documents(store)
    return store


def back_up(store, destination=None, **options):
    options.setdefault("checks", doctor.run)
    return service.back_up(store, destination, **options)


@pytest.fixture
def make_instance(tmp_path):
    """More instances (another 'machine'), closed at the end; ``schema`` may differ from the real one."""
    made = []

    def build(name: str, schema=None):
        inst = Instance(tmp_path / name, schema or all_migrations())
        made.append(inst)
        return inst

    yield build
    for inst in made:
        inst.close()


# --------------------------------------------------------------------------- FAT sticks

def _fat_tools_problem() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root for FUSE mounts"
    missing = [tool for tool in ("mkfs.vfat", "fusefat", "fusermount") if shutil.which(tool) is None]
    if missing:
        return f"needs {', '.join(missing)} (apt-get install dosfstools fusefat fuse3)"
    if not Path("/dev/fuse").exists():
        return "needs /dev/fuse"
    return None


def require_fat_tools() -> None:
    problem = _fat_tools_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI installs the FAT tools (.ci/run): {problem}")
        pytest.skip(problem)


class Stick:
    """A real FAT image (mkfs.vfat) mounted through FUSE (fusefat): what a USB stick is to the backup."""

    def __init__(self, image: Path, mount_point: Path):
        self.image, self.mount_point = image, mount_point
        self.mounted = False

    def mount(self) -> Path:
        self.mount_point.mkdir(parents=True, exist_ok=True)
        subprocess.run(["fusefat", "-o", "rw+", str(self.image), str(self.mount_point)], check=True, timeout=30)
        self.mounted = True
        return self.mount_point

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["fusermount", "-u", str(self.mount_point)], check=True, timeout=30)
            self.mounted = False

    def listing(self, folder: str = "equisis-backups") -> str:
        """The stick's folder as mtools sees it in the image (unmounted), or '' without mtools."""
        if shutil.which("mdir") is None:
            return ""
        done = subprocess.run(["mdir", "-b", "-i", str(self.image), f"::/{folder}"], capture_output=True,
                              text=True, timeout=30, env={**os.environ, "MTOOLS_SKIP_CHECK": "1"})
        return done.stdout


@pytest.fixture
def make_stick(tmp_path):
    """``make_stick(size_kb, label='EQUISIS')``: a fresh FAT image; every stick is unmounted at the end."""
    require_fat_tools()
    sticks = []

    def build(size_kb: int = 16384, label: str | None = "EQUISIS", name: str = "stick") -> Stick:
        image = tmp_path / f"{name}.img"
        command = ["mkfs.vfat", "-C", str(image), str(size_kb)]
        if label:
            command[1:1] = ["-n", label]
        subprocess.run(command, check=True, capture_output=True, timeout=30)
        stick = Stick(image, tmp_path / "media" / name)
        sticks.append(stick)
        return stick

    yield build
    for stick in sticks:
        try:
            stick.unmount()
        except subprocess.CalledProcessError:
            subprocess.run(["fusermount", "-uz", str(stick.mount_point)], timeout=30)
