"""The register (``tei/register.xml``) and tagging of its persons, places and organisations.

Exact matches of a name or variant become ``persName``/``placeName``/``orgName``
with ``@ref``; in OCR sources, garbled spellings close to a registered name
(by edit distance) are tagged with ``@cert``. Capitalised names found nowhere
in the register are returned as candidates for the import report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from edition.tei import TEI_NS, XML_ID, local_name, make, parse_xml, stamp_line

_KINDS = {"person": "persName", "place": "placeName", "org": "orgName"}
#: Text inside these elements is never tagged (it is furniture, a label, or already a name).
_SKIP = {
    "persName",
    "placeName",
    "orgName",
    "fw",
    "label",
    "date",
    "idno",
    "speaker",
    "gap",
    "note",
}
_NOT_NAMES = {"unclear", "fw", "label"}
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+)*\b")
_TOKEN = re.compile(r"\b[A-Z][A-Za-z-]{4,}\b")


@dataclass
class Register:
    """Names and variants → (element name, register id)."""

    names: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, shown: str) -> Register:
        """Read the register; a missing file is an empty register."""
        register = cls()
        if not path.is_file():
            return register
        root = parse_xml(path, shown).getroot()
        for kind, name_tag in _KINDS.items():
            for entry in root.iter(f"{{{TEI_NS}}}{kind}"):
                ident = entry.get(XML_ID)
                if not ident:
                    continue
                for name in entry.iter(f"{{{TEI_NS}}}{name_tag}"):
                    text = " ".join("".join(name.itertext()).split())
                    if text:
                        register.names.setdefault(text, (name_tag, ident))
        return register

    def pattern(self) -> re.Pattern[str] | None:
        """One regex matching every name, longest first, on word boundaries."""
        if not self.names:
            return None
        alternatives = sorted(self.names, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in alternatives) + r")(?!\w)")

    def people(self) -> dict[str, str]:
        """Person names and variants → register id."""
        return {n: v[1] for n, v in self.names.items() if v[0] == "persName"}

    def surnames(self) -> dict[str, tuple[str, str]]:
        """Single-word person and place names (for fuzzy matching of OCR slips)."""
        return {
            n: v
            for n, v in self.names.items()
            if " " not in n
            and v[0] in ("persName", "placeName")
            and len(n) >= 5
            and n[0].isupper()
            and not n.isupper()
        }


@dataclass
class Mentions:
    """What tagging found: linked mentions by id, fuzzy ones, and unregistered candidates."""

    linked: Counter[str] = field(default_factory=Counter)
    fuzzy: int = 0
    candidates: Counter[str] = field(default_factory=Counter)


Finder = Callable[[str], list[tuple[int, int, etree._Element]]]


def _wrap_text(root: etree._Element, find: Finder) -> None:
    """Wrap matches in every text node under ``root`` (outside skipped elements)."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if any(local_name(a) in _SKIP for a in (element, *element.iterancestors())):
            continue
        children = list(element)
        if element.text:
            _split(element, None, element.text, find)
        for child in children:
            if child.tail and isinstance(child.tag, str):
                _split(element, child, child.tail, find)


def _split(parent: etree._Element, after: etree._Element | None, text: str, find: Finder) -> None:
    matches = find(text)
    if not matches:
        return
    position = 0
    pieces: list[etree._Element] = []
    head = None
    for start, end, element in matches:
        if head is None:
            head = text[:start]
        else:
            pieces[-1].tail = text[position:start]
        element.text = text[start:end]
        pieces.append(element)
        position = end
    pieces[-1].tail = text[position:]
    if after is None:
        parent.text = head
        index = 0
    else:
        after.tail = head
        index = list(parent).index(after) + 1
    for offset, piece in enumerate(pieces):
        if parent.sourceline:
            stamp_line(piece, parent.sourceline)
        parent.insert(index + offset, piece)


def tag_mentions(text: etree._Element, register: Register, *, fuzzy: bool) -> Mentions:
    """Tag registered names in the TEI ``text`` element; return what was found."""
    found = Mentions()
    pattern = register.pattern()
    if pattern is not None:

        def exact(value: str) -> list[tuple[int, int, etree._Element]]:
            out = []
            for match in pattern.finditer(value):
                tag, ident = register.names[match.group()]
                found.linked[ident] += 1
                out.append((match.start(), match.end(), make(tag, ref=f"register.xml#{ident}")))
            return out

        _wrap_text(text, exact)
    if fuzzy:
        surnames = register.surnames()

        def close(value: str) -> list[tuple[int, int, etree._Element]]:
            out = []
            for match in _TOKEN.finditer(value):
                word = match.group()
                if zipf_frequency(word.lower(), "en") >= 3.0:
                    continue
                best = process.extractOne(
                    word,
                    [n for n in surnames if n[0] == word[0]],  # OCR keeps the capital
                    scorer=fuzz.ratio,
                    score_cutoff=75,
                )
                if best is None:
                    continue
                tag, ident = surnames[best[0]]
                cert = "medium" if best[1] >= 85 else "low"
                found.linked[ident] += 1
                found.fuzzy += 1
                out.append(
                    (match.start(), match.end(), make(tag, ref=f"register.xml#{ident}", cert=cert))
                )
            return out

        _wrap_text(text, close)
    found.candidates = unregistered(text, register)
    return found


def unregistered(text: etree._Element, register: Register) -> Counter[str]:
    """Capitalised names in running text that the register does not know (rare words only)."""
    candidates: Counter[str] = Counter()
    for element in text.iter():
        if not isinstance(element.tag, str) or local_name(element) in _SKIP:
            continue
        if any(
            local_name(a) in _NOT_NAMES or a.get("type") == "noise"
            for a in (element, *element.iterancestors())
        ):
            continue  # OCR garbage and page furniture are no source of names
        for value in (element.text, *(c.tail for c in element)):
            for match in _CAPITALISED.finditer(value or ""):
                words = match.group().split()
                while words and zipf_frequency(words[0].lower(), "en") >= 4.0:
                    words.pop(0)  # titles and common words: "Ambassador Zabrodin"
                while words and zipf_frequency(words[-1].lower(), "en") >= 4.0:
                    words.pop()
                name = " ".join(words)
                before = (value or "")[: match.start()].rstrip()
                if not name or (name == match.group() and (not before or before[-1] in '.!?:"“')):
                    continue  # nothing rare left, or a sentence start: capitalised anyway
                if name in register.names:
                    continue
                candidates[name] += 1
    return candidates
