"""The archive container: streamed zip cut into parts, read back with every file checked."""
from __future__ import annotations

import errno
import json
import os
import zipfile

import pytest

from equisis.backup import rules
from equisis.backup.archive import ArchiveReader, ArchiveWriter, PartWriter, archive_parts
from equisis.backup.errors import ArchiveCorrupt, ArchiveIncomplete, ArchiveNotFound, NotAnArchive

NAME = "equisis-deco-20260314-023000.zip"


def write_archive(folder, files: dict, part_size=rules.FAT32_MAX_FILE, manifest_extra=None):
    sources = folder / "src"
    sources.mkdir(exist_ok=True)
    with ArchiveWriter(folder, NAME, part_size) as writer:
        for member, content in files.items():
            path = sources / member.replace("/", "_")
            path.write_bytes(content)
            writer.add_file(member, path, compress=member == "company.db")
        manifest = rules.build_manifest(app_version="0.1.0", slug="deco", name="Déco", created_at="2026-03-14T02:30",
                                        trigger="cli", migrations=[],
                                        files=[e.as_dict() for e in writer.entries])
        manifest.update(manifest_extra or {})
        writer.add_bytes(rules.MANIFEST, json.dumps(manifest).encode())
        return writer.publish()


FILES = {"company.db": b"SQLite format 3\x00" + os.urandom(20000), "documents/2026/a.pdf": os.urandom(30000),
         "documents/attachments/b.pdf": b"%PDF" + os.urandom(5000)}


def test_part_writer_cuts_a_stream_and_the_parts_concatenate(tmp_path):
    writer = PartWriter(tmp_path, NAME, part_size=1000)
    data = os.urandom(2500)
    writer.write(data[:700])
    writer.write(data[700:])
    assert writer.tell() == 2500
    with pytest.raises(OSError):
        writer.seek(0)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{NAME}.00{n}.partial" for n in (1, 2, 3)]
    paths = writer.finish()
    assert [p.name for p in paths] == [f"{NAME}.001", f"{NAME}.002", f"{NAME}.003"]
    assert [p.stat().st_size for p in paths] == [1000, 1000, 500]
    assert b"".join(p.read_bytes() for p in paths) == data


def test_a_small_archive_is_one_zip_file_any_tool_reads(tmp_path):
    paths = write_archive(tmp_path, FILES)
    assert [p.name for p in paths] == [NAME]
    with zipfile.ZipFile(paths[0]) as archive:
        assert archive.testzip() is None
        assert archive.read("documents/2026/a.pdf") == FILES["documents/2026/a.pdf"]
        assert archive.getinfo("company.db").compress_type == zipfile.ZIP_DEFLATED
        assert archive.getinfo("documents/2026/a.pdf").compress_type == zipfile.ZIP_STORED


def test_split_archive_reads_back_verified_from_any_part(tmp_path):
    paths = write_archive(tmp_path, FILES, part_size=16 * 1024)
    assert len(paths) >= 3 and all(p.stat().st_size <= 16 * 1024 for p in paths)
    assert not list(tmp_path.glob("*.partial"))
    for given in (tmp_path / NAME, paths[0], paths[-1]):
        assert archive_parts(given) == paths
    with ArchiveReader(paths[1]) as reader:
        assert reader.manifest["company"]["slug"] == "deco"
        entries = reader.extract_verified(tmp_path / "out")
    assert {e.path for e in entries} == set(FILES)
    for member, content in FILES.items():
        assert (tmp_path / "out" / member).read_bytes() == content


def test_a_missing_part_is_named(tmp_path):
    paths = write_archive(tmp_path, FILES, part_size=16 * 1024)
    paths[1].unlink()
    with pytest.raises(ArchiveIncomplete) as caught:
        ArchiveReader(paths[0])
    assert caught.value.params["part"] == f"{NAME}.002"


@pytest.mark.parametrize("member", ["company.db", "documents/2026/a.pdf", "documents/attachments/b.pdf"])
def test_one_flipped_byte_is_refused_naming_the_file(tmp_path, member):
    [path] = write_archive(tmp_path, FILES)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    # the member's data starts after its local header (30 bytes + name + extra field)
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
    with ArchiveReader(path) as reader, pytest.raises(ArchiveCorrupt) as caught:
        reader.extract_verified(tmp_path / "out")
    assert caught.value.params["member"] == member
    assert member in caught.value.message() and NAME in caught.value.message()


def test_a_file_that_differs_from_the_manifest_is_refused(tmp_path):
    manifest_files = [{"path": "company.db", "size": len(FILES["company.db"]), "sha256": "0" * 64}]
    [path] = write_archive(tmp_path, {"company.db": FILES["company.db"]}, manifest_extra={"files": manifest_files})
    with ArchiveReader(path) as reader, pytest.raises(ArchiveCorrupt) as caught:
        reader.extract_verified(tmp_path / "out")
    assert caught.value.params["member"] == "company.db"


def test_an_unexpected_or_escaping_member_is_refused(tmp_path):
    [path] = write_archive(tmp_path, FILES)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../evil.sh", b"rm -rf /")
    with ArchiveReader(path) as reader, pytest.raises(ArchiveCorrupt) as caught:
        reader.extract_verified(tmp_path / "out")
    assert caught.value.params["member"] == "../evil.sh"
    assert not (tmp_path / "evil.sh").exists()


@pytest.mark.parametrize("content,detail", [(b"not a zip at all", "File is not a zip file"), (None, "no manifest")])
def test_not_an_archive(tmp_path, content, detail):
    path = tmp_path / "x.zip"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    else:
        path.write_bytes(content)
    with pytest.raises(NotAnArchive) as caught:
        ArchiveReader(path)
    assert detail in caught.value.message()


def test_a_missing_archive_is_named(tmp_path):
    with pytest.raises(ArchiveNotFound):
        ArchiveReader(tmp_path / "nothing.zip")


def test_a_failed_write_leaves_no_part(tmp_path, monkeypatch):
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(50_000))
    real_write = PartWriter.write
    calls = []

    def failing(self, data):
        calls.append(len(data))
        if sum(calls) > 30_000:
            raise OSError(errno.EIO, "Input/output error")
        return real_write(self, data)

    monkeypatch.setattr(PartWriter, "write", failing)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OSError):
        with ArchiveWriter(folder, NAME, 10_000) as writer:
            writer.add_file("documents/big.bin", source, compress=False)
            writer.publish()
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("part_size", [97, 1000, 4093, 16 * 1024])
def test_every_cut_reads_back_even_inside_a_header(tmp_path, part_size):
    """Parts end anywhere, also inside a member's header: reads must carry on into the next part."""
    files = {"company.db": FILES["company.db"], **{f"documents/2026/{'x' * (n * 7 % 40)}{n}.pdf": os.urandom(n * 37)
                                                   for n in range(1, 30)}}
    paths = write_archive(tmp_path, files, part_size=part_size)
    with ArchiveReader(paths[0]) as reader:
        entries = reader.extract_verified(tmp_path / "out")
    assert len(entries) == len(files)
