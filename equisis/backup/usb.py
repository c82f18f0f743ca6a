"""The USB stick job: mount the stick, back up every company onto it, sync, unmount, tell the backup page.

Started on the appliance by udev + systemd (appliance/99-equisis-usb.rules and
equisis-usb-backup@.service) as ``equisis usb-backup /dev/sdX1``, as root so it
can mount; the backups themselves run as the owner of the instance folder, so
the server can still read and rotate what they write. A stick is used only when
labelled EQUISIS or initialised from the backup page (the marker file
EQUISIS.ID); any other stick is left untouched. Given a folder instead of a
device (a stick already mounted, or any folder), the job backs up into it and
leaves the mount alone.

Every step is written to ``<instance>/backups/usb-status.json`` for the page:
mounting, backing up (with progress), syncing, then done or failed, and
whether the stick may be pulled out.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable

from equisis.backup import history, rules
from equisis.backup.errors import MountFailed, NotAnEquisisStick, NotRemovableMedia
from equisis.core.errors import EquisisError

MOUNT_ROOT = Path("/run/equisis/usb")


def proc_mounts() -> str:
    try:
        return Path("/proc/mounts").read_text()
    except OSError:
        return ""


def mount_point_of(device: str, mounts: str) -> Path | None:
    """Where ``device`` is mounted according to a /proc/mounts text, or None."""
    real = os.path.realpath(device)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] in (device, real):
            return Path(rules._unescape(fields[1]))
    return None


def system_label_of(device: str) -> str | None:
    """The filesystem label of a block device, from udev's /dev/disk/by-label links, else blkid."""
    real = os.path.realpath(device)
    by_label = Path("/dev/disk/by-label")
    if by_label.is_dir():
        for link in by_label.iterdir():
            if os.path.realpath(link) == real:
                return link.name.replace("\\x20", " ")
    if shutil.which("blkid"):
        found = subprocess.run(["blkid", "-o", "value", "-s", "LABEL", real], capture_output=True, text=True,
                               timeout=10)
        return found.stdout.strip() or None
    return None


class SystemMounter:
    """mount(8) and umount(8); FAT and exFAT sticks are mounted as the given owner (they have no owners)."""

    def mount(self, device: str, target: Path, uid: int, gid: int) -> None:
        target.mkdir(parents=True, exist_ok=True)
        safe = "nosuid,nodev,noexec"
        attempts = [["mount", "-o", f"{safe},uid={uid},gid={gid},umask=077,flush", device, str(target)],
                    ["mount", "-o", safe, device, str(target)]]
        errors = []
        for command in attempts:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
            if done.returncode == 0:
                return
            errors.append(done.stderr.strip())
        raise MountFailed(device=device, detail=errors[-1] or "mount failed")

    def unmount(self, target: Path) -> None:
        done = subprocess.run(["umount", str(target)], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise MountFailed(device=str(target), detail=done.stderr.strip() or "umount failed")
        with contextlib.suppress(OSError):
            target.rmdir()


@contextlib.contextmanager
def as_owner_of(folder: Path):
    """Run the block as the owner of ``folder`` when started as root (the files stay the server's)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        yield
        return
    info = Path(folder).stat()
    if info.st_uid == 0:
        yield
        return
    os.setegid(info.st_gid)
    os.seteuid(info.st_uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def is_equisis_stick(mount_point: Path, label: str | None) -> bool:
    return (label or "").strip().upper() == rules.STICK_LABEL or (Path(mount_point) / rules.STICK_MARKER).is_file()


def initialise_stick(mount_point: Path, removable: list[rules.Mount], *, now: dt.datetime | None = None) -> Path:
    """Mark a mounted removable drive (one of ``removable``) as an Equisis backup stick; returns the marker."""
    chosen = next((m for m in removable if m.mount_point == str(mount_point)), None)
    if chosen is None:
        raise NotRemovableMedia(path=str(mount_point))
    root = Path(chosen.mount_point)
    (root / rules.STICK_FOLDER).mkdir(exist_ok=True)
    marker = root / rules.STICK_MARKER
    stamp = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    marker.write_text(json.dumps({"equisis": True, "initialised_at": stamp, "host": socket.gethostname()}) + "\n",
                      encoding="utf-8")
    with open(marker, "rb+") as handle:
        os.fsync(handle.fileno())
    return marker


class StatusWriter:
    """The USB status file, rewritten at most twice a second while bytes flow."""

    def __init__(self, instance_root: Path, device: str, as_owner: bool = False):
        self.instance_root, self.device, self.as_owner = instance_root, device, as_owner
        self.fields = {"device": device, "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                       "safe_to_remove": False, "phase": "starting", "companies": []}
        self._written = 0.0

    def update(self, *, force: bool = True, **fields) -> None:
        self.fields.update(fields)
        now = time.monotonic()
        if force or now - self._written > 0.5:
            self._written = now
            owner = as_owner_of(self.instance_root) if self.as_owner else contextlib.nullcontext()
            with contextlib.suppress(OSError), owner:
                history.set_usb_status(self.instance_root, **self.fields)


BackUpAll = Callable[[Path, Callable[[str, str, int, int], None]], list]


def usb_backup(instance_root: Path, target: str, back_up_all: BackUpAll, *, mounter=None,
               label_of: Callable[[str], str | None] = system_label_of, mounts: str | None = None,
               mount_root: Path = MOUNT_ROOT, as_owner: bool = False) -> dict:
    """Back up every company onto the stick ``target`` (a device, or a mounted folder); returns the status.

    ``back_up_all(folder, progress)`` backs up each company into ``folder`` and
    returns the results; ``progress(slug, phase, done, total)``. Errors are
    recorded in the status and raised again. ``as_owner`` (the command started
    as root, never the multi-threaded server): everything but mounting runs as
    the owner of the instance folder.
    """
    status = StatusWriter(instance_root, target, as_owner)
    mounter = mounter or SystemMounter()
    path = Path(target)
    mounted_here = False
    if path.is_dir():
        mount_point = path
    else:
        mount_point = mount_point_of(target, proc_mounts() if mounts is None else mounts)
        if mount_point is None:
            status.update(phase="mounting")
            mount_point = mount_root / Path(os.path.realpath(target)).name
            owner = Path(instance_root).stat()
            try:
                mounter.mount(target, mount_point, owner.st_uid, owner.st_gid)
            except EquisisError as exc:
                status.update(phase="failed", safe_to_remove=True, **_error_fields(exc))
                raise
            mounted_here = True
    status.update(mount_point=str(mount_point))
    failure = None
    try:
        if not path.is_dir() and not is_equisis_stick(mount_point, label_of(target)):
            raise NotAnEquisisStick(device=target)
        status.update(phase="backing-up")

        def progress(slug: str, phase: str, done: int, total: int) -> None:
            status.update(force=False, company=slug, step=phase, done=done, total=total)

        folder = mount_point / rules.STICK_FOLDER
        with as_owner_of(instance_root) if as_owner else contextlib.nullcontext():
            results = back_up_all(folder, progress)
        status.update(phase="syncing", companies=[{"slug": r.slug, "archive": r.name, "status": r.status,
                                                  "size_bytes": r.size_bytes} for r in results])
        os.sync()
    except BaseException as exc:  # noqa: BLE001 - recorded, then raised again
        failure = exc
    unmounted = False
    if mounted_here:
        try:
            mounter.unmount(mount_point)
            unmounted = True
        except EquisisError as exc:
            failure = failure or exc
    final = {"finished_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
             "safe_to_remove": unmounted}
    if failure is None:
        status.update(phase="done", **final)
        return status.fields
    phase = "refused" if isinstance(failure, NotAnEquisisStick) else "failed"
    status.update(phase=phase, **_error_fields(failure), **final)
    raise failure


def _error_fields(exc: BaseException) -> dict:
    """An error as the status keeps it: class and values (said again in the reader's language), English text."""
    if isinstance(exc, EquisisError):
        return {"error": type(exc).__name__, "params": {k: str(v) for k, v in exc.params.items()},
                "message": exc.message("en")}
    return {"error": "InternalError", "params": {}, "message": f"{type(exc).__name__}: {exc}"}
