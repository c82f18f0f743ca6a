"""USB sticks for real: FAT images made by mkfs.vfat, mounted through FUSE (fusefat); the udev rule and unit."""
from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from equisis import doctor
from equisis.backup import history, rules, service, usb
from equisis.backup.errors import BackupDestinationFull, NotAnEquisisStick, NotRemovableMedia
from equisis.documents import service as documents
from tests.backup.conftest import NOW, back_up, fingerprint

ROOT = Path(__file__).resolve().parents[2]


def back_up_all(instance):
    def run(folder, progress):
        return [service.back_up(instance.get(slug), folder, checks=doctor.run, trigger="usb",
                                progress=lambda phase, done, total, slug=slug: progress(slug, phase, done, total))
                for slug in instance.slugs()]
    return run


class FuseMounter:
    """What mount(8) does on the appliance, done with fusefat on an image file (the kernel here has no vfat)."""

    def __init__(self):
        self.calls = []

    def mount(self, device, target, uid, gid):
        self.calls.append(("mount", device, target))
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["fusefat", "-o", "rw+", device, str(target)], check=True, timeout=30)

    def unmount(self, target):
        self.calls.append(("unmount", target))
        subprocess.run(["fusermount", "-u", str(target)], check=True, timeout=30)


def test_back_up_onto_a_mounted_fat_stick_and_restore_from_it(instance, shop, make_stick, make_instance):
    stick = make_stick()
    mount_point = stick.mount()
    status = usb.usb_backup(instance.root, str(mount_point), back_up_all(instance))
    assert status["phase"] == "done" and status["safe_to_remove"] is False  # not mounted by us
    [archive] = service.list_archives(mount_point / rules.STICK_FOLDER, shop.slug)
    name = archive.name
    stick.unmount()
    listing = stick.listing()
    if listing:
        assert name in listing  # mtools reads the FAT image itself
    stick.mount()
    other = make_instance("other-machine")
    result = service.restore(other, mount_point / rules.STICK_FOLDER / name, checks=doctor.run)
    assert sorted(fingerprint(other.get(result.slug).folder)) == sorted(fingerprint(shop.folder))


def test_a_split_archive_on_fat(instance, shop, make_stick):
    stick = make_stick()
    folder = stick.mount() / rules.STICK_FOLDER
    result = back_up(shop, folder, now=NOW, part_size=16 * 1024)
    assert len(result.paths) > 1 and all(p.stat().st_size <= 16 * 1024 for p in result.paths)
    assert service.list_archives(folder, shop.slug)[0].complete


def test_plugging_in_the_stick_mounts_backs_up_syncs_and_unmounts(instance, shop, make_stick, tmp_path):
    stick = make_stick()
    mounter = FuseMounter()
    status = usb.usb_backup(instance.root, str(stick.image), back_up_all(instance), mounter=mounter,
                            label_of=lambda device: "EQUISIS", mounts="", mount_root=tmp_path / "run")
    assert [c[0] for c in mounter.calls] == ["mount", "unmount"]
    assert status["phase"] == "done" and status["safe_to_remove"] is True
    assert history.usb_status(instance.root)["safe_to_remove"] is True
    [company] = status["companies"]
    assert company["slug"] == shop.slug and company["status"] == "ok"
    if shutil.which("mdir"):
        assert company["archive"] in stick.listing()
    assert not os.path.ismount(tmp_path / "run" / stick.image.name)


def test_a_stick_that_is_not_an_equisis_stick_is_left_untouched(instance, shop, make_stick, tmp_path):
    stick = make_stick(label="HOLIDAYS")
    mounter = FuseMounter()
    with pytest.raises(NotAnEquisisStick):
        usb.usb_backup(instance.root, str(stick.image), back_up_all(instance), mounter=mounter,
                       label_of=lambda device: "HOLIDAYS", mounts="", mount_root=tmp_path / "run")
    status = history.usb_status(instance.root)
    assert status["phase"] == "refused" and status["safe_to_remove"] is True
    assert [c[0] for c in mounter.calls] == ["mount", "unmount"]
    assert rules.STICK_FOLDER not in stick.listing("")


def test_an_initialised_stick_is_recognised_by_its_marker(instance, shop, make_stick, tmp_path):
    stick = make_stick(label="HOLIDAYS")
    mount_point = stick.mount()
    removable = [rules.Mount(str(stick.image), str(mount_point), "fuse.fusefat")]
    with pytest.raises(NotRemovableMedia):
        usb.initialise_stick(tmp_path, removable)
    marker = usb.initialise_stick(mount_point, removable)
    assert marker.name == "EQUISIS.ID" and usb.is_equisis_stick(mount_point, "HOLIDAYS")
    stick.unmount()
    status = usb.usb_backup(instance.root, str(stick.image), back_up_all(instance), mounter=FuseMounter(),
                            label_of=lambda device: "HOLIDAYS", mounts="", mount_root=tmp_path / "run")
    assert status["phase"] == "done"


def test_a_full_stick_fails_cleanly_and_keeps_the_earlier_backups(instance, shop, make_stick):
    stick = make_stick(size_kb=1024)
    folder = stick.mount() / rules.STICK_FOLDER
    earlier = back_up(shop, folder, now=NOW)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with shop.session():  # 1.5 MB that does not compress: more than the stick has left
        documents.add_attachment(shop, "company", 1, b"%PDF-1.4\n" + os.urandom(1_500_000), "scan.pdf")
    with pytest.raises(BackupDestinationFull) as caught:
        back_up(shop, folder, now=NOW.replace(hour=3))
    assert str(folder) in caught.value.message()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]
    with service.ArchiveReader(earlier.paths[0]) as reader:
        reader.extract_verified(stick.mount_point.parent / "check")
    stick.unmount()
    if shutil.which("mdir"):
        assert earlier.name in stick.listing() and ".partial" not in stick.listing()


# --------------------------------------------------------------------------- the unit and the rule

UNIT = ROOT / "appliance" / "equisis-usb-backup@.service"
RULES = ROOT / "appliance" / "99-equisis-usb.rules"


def test_the_unit_has_what_the_job_needs():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNIT)
    service_section = parser["Service"]
    assert service_section["Type"] == "oneshot"
    assert service_section["ExecStart"] == "/usr/bin/equisis usb-backup /dev/%I"
    assert service_section["Environment"] == "EQUISIS_INSTANCE=/var/lib/equisis"
    assert parser["Unit"]["BindsTo"] == "dev-%i.device"  # a stick pulled out stops the job
    assert "User" not in service_section  # root to mount; the backups drop to the instance's owner


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_unit(tmp_path):
    executable = shutil.which("equisis") or str(Path(os.sys.executable).with_name("equisis"))
    text = UNIT.read_text().replace("/usr/bin/equisis", executable)
    instance_unit = tmp_path / "equisis-usb-backup@sdb1.service"
    (tmp_path / UNIT.name).write_text(text)
    instance_unit.write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(instance_unit)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "equisis-usb-backup" not in done.stderr, done.stderr


def test_the_udev_rules_start_the_unit_for_equisis_sticks():
    lines = [line for line in RULES.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert len(lines) == 2
    for line in lines:
        keys = dict(re.findall(r'([A-Z_]+(?:\{[A-Z_]+\})?)[=!+]?=+"([^"]*)"', line))
        assert keys["ACTION"] == "add" and keys["SUBSYSTEM"] == "block"
        assert 'TAG+="systemd"' in line
        assert 'ENV{SYSTEMD_WANTS}+="equisis-usb-backup@%k.service"' in line
    assert 'ENV{ID_FS_LABEL}=="EQUISIS"' in lines[0]
    assert 'ENV{ID_BUS}=="usb"' in lines[1]
