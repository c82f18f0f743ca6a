"""Which filesystem holds a folder, so a company on a network share is never opened for writing.

SQLite's locking is unreliable on NFS and SMB (the SQLite docs, "How To Corrupt
An SQLite Database File", §2.1): a shop running its till off a NAS share would
eventually corrupt its books.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "coda", "9p", "ceph", "glusterfs",
    "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.rclone", "fuse.s3fs", "davfs", "fuse.davfs2",
    "fuse.smbnetfs", "lustre", "gpfs", "ocfs2", "gfs2",
})


def _unescape(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as octal (\\040)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and len(field[i + 1:i + 4]) == 3 and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def filesystem_type(path: str | Path, mountinfo: str) -> str | None:
    """The type of the filesystem holding ``path`` according to a /proc/self/mountinfo text.

    The mount whose mount point is the longest prefix of the path wins:
    with "/" on ext4 and "/srv/share" on nfs4, /srv/share/shop is on nfs4.
    """
    target = str(Path(path))
    best, best_type = -1, None
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields = left.split()
        if len(fields) < 5:
            continue
        mount_point = _unescape(fields[4])
        prefix = mount_point.rstrip("/") + "/"
        if target == mount_point or target.startswith(prefix) or mount_point == "/":
            if len(mount_point) > best:
                best, best_type = len(mount_point), right.split()[0]
    return best_type


def is_network_filesystem(fstype: str | None) -> bool:
    return fstype is not None and fstype.lower() in NETWORK_FILESYSTEMS


def mount_table() -> str | None:
    try:
        return Path("/proc/self/mountinfo").read_text()
    except OSError:
        return None


def network_filesystem_of(path: str | Path) -> str | None:
    """The network filesystem type holding ``path``, or None when the disk is local (or unknown)."""
    resolved = Path(path).resolve()
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        text = str(resolved)
        if text.startswith("\\\\"):
            return "smb"
        import ctypes

        drive = os.path.splitdrive(text)[0] + "\\"
        return "smb" if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4 else None
    table = mount_table()
    if table is None:
        return None
    fstype = filesystem_type(resolved, table)
    return fstype if is_network_filesystem(fstype) else None
