"""``remove_tree`` deletes as ``shutil.rmtree`` does, without holding a folder's listing."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from edition.fsutil import remove_tree


def test_a_tree_is_deleted_and_links_out_of_it_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kept.txt").write_text("kept", encoding="utf-8")
    tree = tmp_path / "site"
    for depth in ("a", "a/b", "a/b/c", "empty", "d"):
        (tree / depth).mkdir(parents=True)
    for name in ("index.html", "a/page.html", "a/b/c/deep.xml", "d/.hidden"):
        (tree / name).write_text(name, encoding="utf-8")
    (tree / "a" / "link-to-folder").symlink_to(outside, target_is_directory=True)
    (tree / "link-to-file").symlink_to(outside / "kept.txt")
    (tree / "dangling").symlink_to(tmp_path / "nowhere")

    remove_tree(tree)

    assert not tree.exists()
    assert (outside / "kept.txt").read_text(encoding="utf-8") == "kept"


def test_what_is_not_there_or_not_a_folder_is_left_quietly(tmp_path: Path) -> None:
    remove_tree(tmp_path / "missing")
    target = tmp_path / "target"
    target.mkdir()
    (target / "kept.txt").write_text("kept", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(target, target_is_directory=True)
    remove_tree(link)  # as shutil.rmtree(ignore_errors=True): a link to a folder is not emptied
    assert (target / "kept.txt").is_file()


def test_a_folder_of_many_entries_is_not_listed_whole(tmp_path: Path) -> None:
    """5,000 document folders (a site's documents/): ``shutil.rmtree`` holds every entry
    of the listing at once; this holds one."""
    documents = tmp_path / "site" / "documents"
    for n in range(5_000):
        (documents / f"d{n:05d}").mkdir(parents=True)
        (documents / f"d{n:05d}" / "index.html").write_bytes(b"<p/>")
    tracemalloc.start()
    try:
        remove_tree(tmp_path / "site")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not (tmp_path / "site").exists()
    assert peak < 100_000, peak  # shutil.rmtree: about 3.9 MB here
