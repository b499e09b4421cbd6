"""Inline encoding: a paragraph's lines → markdown-it tokens → TEI mixed content.

The token → TEI table lives here; structure (which element holds the
paragraph) is decided by the callers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from edition import ocr
from edition.diagnostics import Diagnostic, Location, warning
from edition.tei import append_text, make, stamp_line

_HYPHENATED = re.compile(r"[A-Za-z]-$")
_WORD = re.compile(r"\S+")


@dataclass
class InlineContext:
    """State shared by every paragraph of one document."""

    md: MarkdownIt
    shown: str
    hyphenation: bool = True
    ocr: bool = False
    footnotes: dict[str, tuple[int, str]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    consumed: list[str] = field(default_factory=list)  # markup read as apparatus
    hands: dict[str, str] = field(default_factory=dict)  # description → hand id
    signature_seen: bool = False


def check_brackets(src: str, first_line: int, ctx: InlineContext) -> None:
    """Report unclosed, nested and stray brackets with their line and column (one pass)."""
    open_at: list[int] = []
    for index, char in enumerate(src):
        if char == "[":
            if open_at and len(open_at) == 1:
                _warn(
                    ctx,
                    src,
                    open_at[0],
                    first_line,
                    "S122",
                    "nested brackets are kept as text",
                    "editorial brackets cannot nest; write the inner note separately",
                )
            open_at.append(index)
        elif char == "]":
            if open_at:
                open_at.pop()
            else:
                _warn(
                    ctx,
                    src,
                    index,
                    first_line,
                    "S121",
                    'stray closing bracket "]"',
                    'add the opening "[" or escape it as "\\]"',
                )
    for index in open_at:
        _warn(
            ctx,
            src,
            index,
            first_line,
            "S120",
            f'unclosed bracket "{src[index : index + 20]}"',
            'close it with "]" or escape it as "\\["; the text is kept as it is',
        )


def _warn(
    ctx: InlineContext, src: str, index: int, first_line: int, code: str, message: str, hint: str
) -> None:
    line = first_line + src.count("\n", 0, index)
    column = index - (src.rfind("\n", 0, index) + 1) + 1
    ctx.diagnostics.append(warning(code, message, Location(ctx.shown, line, column), hint))


def fill(parent: etree._Element, lines: list[str], first_line: int, ctx: InlineContext) -> None:
    """Encode ``lines`` (one paragraph) as the content of ``parent``."""
    src = "\n".join(lines)
    if "[" in src or "]" in src:
        check_brackets(src, first_line, ctx)
    tokens = ctx.md.parseInline(src, {})[0].children or []
    _Renderer(ctx, first_line).render(_group(tokens, ctx), parent)


def _line_groups(tokens: list[Token]) -> list[list[Token]]:
    groups: list[list[Token]] = [[]]
    for token in tokens:
        groups[-1].append(token)
        if token.type in ("softbreak", "hardbreak"):
            groups.append([])
    return groups


def _balanced(tokens: list[Token]) -> bool:
    depth = 0
    for token in tokens:
        depth += token.nesting
        if depth < 0:
            return False
    return depth == 0


def _group(tokens: list[Token], ctx: InlineContext) -> list[Token]:
    """Attach ``[sic]`` to the word before it and ``[Handwritten]`` to its text, line by line."""
    out: list[Token] = []
    for line in _line_groups(tokens):
        breaks = [t for t in line if t.type in ("softbreak", "hardbreak")]
        body = [t for t in line if t.type not in ("softbreak", "hardbreak")]
        result: list[Token] = []
        for index, token in enumerate(body):
            if token.type == "sic_marker":
                ctx.consumed.append(token.markup)
                _attach_sic(result)
            elif token.type == "add_marker":
                ctx.consumed.append(token.markup)
                result, rest_taken = _attach_add(result, body[index + 1 :], token, ctx)
                if rest_taken:
                    break
            else:
                result.append(token)
        out.extend(result)
        out.extend(breaks)
    return out


def _attach_sic(result: list[Token]) -> None:
    """Wrap the last word before the marker in ``sic`` (an empty ``sic`` when there is none)."""
    previous = result[-1] if result else None
    if previous is None or previous.type != "text" or not previous.content.strip():
        result.append(Token("sic", "", 0, children=[]))
        return
    before, _, word = previous.content.rstrip().rpartition(" ")
    previous.content = before + (" " if before else "")
    if not previous.content:
        result.remove(previous)
    result.append(Token("sic", "", 0, children=[Token("text", "", 0, content=word)]))


def _attach_add(
    result: list[Token], after: list[Token], marker: Token, ctx: InlineContext
) -> tuple[list[Token], bool]:
    """Wrap the text the marker describes in ``add``; True when the rest of the line was taken."""
    words_before = [t for t in result if t.type != "text" or t.content.strip()]
    nothing_after = all(t.type == "text" and not t.content.strip() for t in after)
    if words_before and nothing_after and _balanced(result):
        return [Token("add", "", 0, children=_strip_space(result), meta=marker.meta)], True
    if not _balanced(after):
        result.append(Token("add", "", 0, children=[], meta=marker.meta))
        return result, False
    leading = after[0] if after and after[0].type == "text" else None
    if leading is not None and leading.content.startswith(" "):
        leading.content = leading.content.lstrip(" ")
        last = result[-1] if result else None
        if last is not None and not (last.type == "text" and last.content.endswith(" ")):
            result.append(Token("text", "", 0, content=" "))
    result.append(Token("add", "", 0, children=_group(after, ctx), meta=marker.meta))
    return result, True


def _strip_space(tokens: list[Token]) -> list[Token]:
    """Trim the whitespace around the words that an ``add`` wraps."""
    if tokens and tokens[0].type == "text":
        tokens[0].content = tokens[0].content.lstrip()
    if tokens and tokens[-1].type == "text":
        tokens[-1].content = tokens[-1].content.rstrip()
    return tokens


class _Renderer:
    """Walks grouped tokens, keeping a stack of open elements."""

    def __init__(self, ctx: InlineContext, first_line: int) -> None:
        self.ctx = ctx
        self.line = first_line

    def text(self, parent: etree._Element, value: str) -> None:
        if not value:
            return
        if self.ctx.ocr:
            self._ocr_text(parent, value)
        else:
            append_text(parent, value)

    def _ocr_text(self, parent: etree._Element, value: str) -> None:
        position = 0
        for match in _WORD.finditer(value):
            score = ocr.token_score(match.group())
            if score >= 0.5 or len(match.group()) < 3:
                continue
            append_text(parent, value[position : match.start()])
            cert = "low" if score < 0.3 else "medium"
            unclear = make("unclear", match.group(), reason="ocr", cert=cert, line=self.line)
            parent.append(unclear)
            position = match.end()
        append_text(parent, value[position:])

    def child(self, parent: etree._Element, tag: str, **attributes: Any) -> etree._Element:
        element = make(tag, line=self.line, **attributes)
        parent.append(element)
        return element

    def render(self, tokens: list[Token], parent: etree._Element) -> None:
        stack = [parent]
        for index, token in enumerate(tokens):
            top = stack[-1]
            kind = token.type
            if kind == "text":
                self.text(top, token.content)
            elif kind in ("softbreak", "hardbreak"):
                self.line += 1
                previous = _last_text(top)
                following = tokens[index + 1] if index + 1 < len(tokens) else None
                joined = (
                    self.ctx.hyphenation
                    and _HYPHENATED.search(previous)
                    and following is not None
                    and following.type == "text"
                    and following.content[:1].isalpha()
                )
                append_text(top, "\n")
                self.child(top, "lb", break_="no" if joined else None)
            elif kind in ("em_open", "strong_open"):
                stack.append(self.child(top, "hi", rend="italic" if kind == "em_open" else "bold"))
            elif kind in ("em_close", "strong_close"):
                if len(stack) > 1:
                    stack.pop()
            elif kind == "gap":
                self.ctx.consumed.append(token.markup)
                meta = token.meta
                self.child(
                    top, "gap", reason=meta["reason"], quantity=meta["quantity"], unit=meta["unit"]
                )
            elif kind == "signature":
                self.ctx.consumed.append(token.markup)
                self.ctx.signature_seen = True
                self.child(top, "gap", reason="signature")
            elif kind == "supplied":
                element = self.child(
                    top, "supplied", reason="omitted", resp="#translator", cert=token.meta["cert"]
                )
                self.ctx.consumed.append("?" if token.meta["cert"] else "")
                self.text(element, token.meta["text"])
            elif kind == "sic":
                self.render(token.children or [], self.child(top, "sic"))
            elif kind == "add":
                hand = self._hand(token.meta["where"])
                element = self.child(top, "add", hand=f"#{hand}", place=token.meta["place"])
                self.render(token.children or [], element)
            elif kind == "footnote_ref":
                self.ctx.consumed.append(token.markup)
                self._note(top, token)
            else:  # anything else markdown-it produced is kept as its source text
                self.text(top, token.markup or token.content)

    def _hand(self, where: str) -> str:
        # Additions cannot be told apart by hand from a transcription: one hand,
        # described by the first place it was seen.
        if not self.ctx.hands:
            self.ctx.hands["hand-1"] = "handwritten additions" + (f" ({where})" if where else "")
        return "hand-1"

    def _note(self, parent: etree._Element, token: Token) -> None:
        label = token.meta["label"]
        note = self.child(parent, "note", n=label, place="foot")
        definition = self.ctx.footnotes.get(label)
        if definition is None:
            self.ctx.diagnostics.append(
                warning(
                    "S123",
                    f"footnote [^{label}] has no definition",
                    Location(self.ctx.shown, self.line),
                    f'add a line "[^{label}]: text" at the end of the transcription',
                )
            )
            return
        line, text = definition
        fill(note, [text], line, self.ctx)


def _last_text(element: etree._Element) -> str:
    last = next(element.iterchildren(reversed=True), None)
    return (last.tail or "") if last is not None else (element.text or "")


def stamp(element: etree._Element, line: int) -> etree._Element:
    """Record a source line on an element and return it."""
    stamp_line(element, line)
    return element
