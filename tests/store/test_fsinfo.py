"""Which filesystem holds a folder, read from a /proc/self/mountinfo text."""
import pytest

from equisis.store import fsinfo

MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
38 22 8:17 / /srv rw,relatime shared:30 - xfs /dev/sdb1 rw
40 38 0:50 / /srv/share rw,relatime shared:40 - nfs4 nas.local:/export/shop rw,vers=4.2,addr=10.0.0.5
41 38 8:33 / /srv/share-local rw,relatime shared:41 - ext4 /dev/sdc1 rw
42 22 0:51 / /mnt/win rw,relatime shared:42 - cifs //nas/compta rw,vers=3.1.1
43 22 0:52 / /mnt/my\040shop rw,relatime shared:43 - nfs nas.local:/shop rw
44 40 0:53 / /srv/share/local-cache rw,relatime shared:44 - ext4 /dev/sdd1 rw
malformed line without separator
"""


@pytest.mark.parametrize("path, fstype", [
    ("/srv/share/deco-sophie", "nfs4"),
    ("/srv/share", "nfs4"),
    ("/srv/shared", "xfs"),  # a name that merely starts like the share
    ("/srv/share-local/deco", "ext4"),
    ("/srv/share/local-cache/x", "ext4"),  # a local mount inside the share: the longest prefix wins
    ("/srv", "xfs"),
    ("/mnt/win/compta", "cifs"),
    ("/mnt/my shop/deco", "nfs"),  # \040 is an escaped space
    ("/mnt/my", "ext4"),
    ("/home/sophie", "ext4"),
    ("/", "ext4"),
])
def test_filesystem_type_longest_mount_prefix_wins(path, fstype):
    assert fsinfo.filesystem_type(path, MOUNTINFO) == fstype


def test_filesystem_type_of_an_empty_table_is_unknown():
    assert fsinfo.filesystem_type("/srv", "") is None


@pytest.mark.parametrize("fstype, network", [
    ("nfs4", True), ("NFS", True), ("cifs", True), ("smb3", True), ("fuse.sshfs", True), ("9p", True),
    ("ext4", False), ("xfs", False), ("btrfs", False), ("tmpfs", False), ("zfs", False), (None, False),
])
def test_is_network_filesystem(fstype, network):
    assert fsinfo.is_network_filesystem(fstype) is network


def test_network_filesystem_of_uses_the_mount_table(monkeypatch):
    monkeypatch.setattr(fsinfo, "mount_table", lambda: MOUNTINFO)
    assert fsinfo.network_filesystem_of("/srv/share/deco") == "nfs4"
    assert fsinfo.network_filesystem_of("/srv/other") is None


def test_without_a_mount_table_a_folder_counts_as_local(monkeypatch):
    monkeypatch.setattr(fsinfo, "mount_table", lambda: None)
    assert fsinfo.network_filesystem_of("/srv/share/deco") is None
