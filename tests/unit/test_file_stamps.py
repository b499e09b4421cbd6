"""Files' content hashes are kept by stamp (size, time, inode): unchanged files are not read."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from edition import cache as cache_module
from edition.cache import Cache, digest, file_digests

#: Long enough ago that a stamp is trusted (younger files are hashed again: "racy git").
OLD = 1_600_000_000


def _files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"f{n}.xml"
        path.write_text(f"<TEI n='{n}'/>")
        os.utime(path, (OLD, OLD))
        paths.append(path)
    return paths


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The test's files whose bytes are read (not the tool's own, hashed for its digest)."""
    names: list[str] = []
    read_bytes = Path.read_bytes

    def counted(self: Path) -> bytes:
        if self.parent.name in {"tei", "templates"}:
            names.append(self.name)
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return names


@pytest.mark.parametrize("batch", [1, 2, 1_000])
def test_only_changed_files_are_read_again(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(cache_module, "BATCH", batch)
    paths = _files(tmp_path / "tei", 5)
    expected = {path: digest(path.read_bytes()) for path in paths}
    reads.clear()
    for _ in range(2):
        with Cache(tmp_path / "cache") as cache:
            assert file_digests(cache, "documents", paths) == expected
            cache.save()
    assert sorted(reads) == [p.name for p in paths], "the second run read none"
    reads.clear()
    paths[1].write_text("<TEI n='changed'/>")  # new bytes, a new time
    os.utime(paths[2], (OLD, OLD + 1))  # the same bytes, touched
    paths[3].write_text("<TEI n='3'/>")  # the same size and bytes, but written just now
    with Cache(tmp_path / "cache") as cache:
        found = file_digests(cache, "documents", paths)
        cache.save()
    assert found[paths[1]] == digest(b"<TEI n='changed'/>")
    assert found == {**expected, paths[1]: found[paths[1]]}
    assert sorted(reads) == ["f1.xml", "f2.xml", "f3.xml"]


def test_files_gone_are_forgotten_and_groups_are_apart(tmp_path: Path, reads: list[str]) -> None:
    paths = _files(tmp_path / "tei", 4)
    templates = _files(tmp_path / "templates", 2)
    with Cache(tmp_path / "cache") as cache:
        file_digests(cache, "documents", paths)
        file_digests(cache, "templates", templates)
        cache.save()
    paths[0].unlink()
    with Cache(tmp_path / "cache") as cache:
        found = file_digests(cache, "documents", paths[1:])
        cache.save()
    assert set(found) == set(paths[1:])
    with sqlite3.connect(tmp_path / "cache" / "cache.sqlite") as db:
        rows = db.execute("SELECT grp, path FROM stamps ORDER BY grp, path").fetchall()
    db.close()
    assert rows == [("documents", str(p)) for p in paths[1:]] + [
        ("templates", str(p)) for p in templates
    ]
    reads.clear()
    with Cache(tmp_path / "cache") as cache:  # a file missing from the list is skipped
        assert set(file_digests(cache, "documents", paths)) == set(paths[1:])
    assert reads == []


def test_without_a_usable_cache_every_file_is_hashed(tmp_path: Path, reads: list[str]) -> None:
    paths = _files(tmp_path / "tei", 3)
    expected = {path: digest(path.read_bytes()) for path in paths}
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "cache.sqlite").write_bytes(b"not SQLite at all")
    for folder in (None, tmp_path / "cache"):
        reads.clear()
        with Cache(folder) as cache:
            assert file_digests(cache, "documents", paths) == expected
        assert len(reads) == 3


@pytest.mark.parametrize("order", ["sorted", "reversed"])
def test_files_asked_about_in_part_are_read_from_their_stamps_alone(
    tmp_path: Path, reads: list[str], order: str
) -> None:
    """Asked about some of the files the group knows (in the edition's order: read as a
    range of paths, which holds the others too; or in any order), each file gets its own
    hash, and none is read again."""
    paths = _files(tmp_path / "tei", 6)
    expected = {path: digest(path.read_bytes()) for path in paths}
    with Cache(tmp_path / "cache") as cache:
        file_digests(cache, "documents", paths)
        cache.save()
    reads.clear()
    asked = paths[1:5:2] + paths[5:]  # f1, f3, f5: f2 and f4 lie between them
    if order == "reversed":
        asked.reverse()
    with Cache(tmp_path / "cache") as cache:
        stamps = cache_module._Stamps(cache, "documents")
        found = dict(stamps.hashed(iter(str(path) for path in asked)))
    assert found == {str(path): expected[path] for path in asked}
    assert reads == []
