"""Sitemap files are made one at a time, and list every URL once, in order."""

from __future__ import annotations

import pytest
from lxml import etree

from edition.site import pages

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 20, 21, 35])
def test_every_url_once_in_files_of_at_most_the_limit(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "SITEMAP_LIMIT", 10)
    documents = [f"documents/d{n:03d}/" for n in range(count)]
    listed = pages.sitemaps("https://example.org/ed", [""], iter(documents), count)  # + home
    made = [(name, "".join(text).encode()) for name, text in listed]
    names = [name for name, _ in made]
    assert names[-1] == "sitemap.xml"
    files = dict(made)
    total = count + 1
    if total <= 10:
        assert names == ["sitemap.xml"]
        parts = [files["sitemap.xml"]]
    else:
        index = etree.fromstring(files["sitemap.xml"])
        listed = index.xpath("//s:sitemap/s:loc/text()", namespaces=SITEMAP)
        expected = [f"sitemap-{n}.xml" for n in range(1, -(-total // 10) + 1)]
        assert names == [*expected, "sitemap.xml"]
        assert listed == [f"https://example.org/ed/{name}" for name in expected]
        parts = [files[name] for name in expected]
    urls = [
        url
        for part in parts
        for url in etree.fromstring(part).xpath("//s:url/s:loc/text()", namespaces=SITEMAP)
    ]
    assert all(len(etree.fromstring(part)) <= 10 for part in parts)
    base = "https://example.org/ed/"
    assert urls == [base + path for path in sorted(["", *documents])]
