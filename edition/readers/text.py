"""The one reader behind every profile: a profile's settings drive its structure rules."""

from __future__ import annotations

from edition import ocr, sigla
from edition.profiles import Profile
from edition.readers import telegram, wrapper
from edition.readers.base import Reading, Transcription
from edition.readers.inline import InlineContext
from edition.readers.plain import metadata_from_name
from edition.readers.prose import ProseBuilder, find_speakers, split_blocks
from edition.sigla.notes import DEFINITION
from edition.tei import make


class ProfileReader:
    """Reads a transcription with one profile's sigla, options and structure rules."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.name = profile.name
        self.description = profile.description

    def read(self, transcription: Transcription) -> Reading:
        """Encode the transcription as a TEI ``text`` element with metadata."""
        profile = self.profile
        meta = metadata_from_name(transcription, apply_sidecar=False)
        meta.kind = profile.header.get("kind", meta.kind)
        guessed_title, guessed_date = meta.title, meta.date
        meta.title = meta.date = ""  # what the text itself says wins over the file name
        ctx = InlineContext(
            sigla.parser(profile.sigla),
            transcription.shown,
            hyphenation=bool(profile.option("hyphenation", True)),
            ocr=bool(profile.option("ocr", False)),
        )
        lines = transcription.text.split("\n")
        lines = self._lift_footnotes(lines, ctx)
        builder = ProseBuilder(
            ctx,
            infer_page_breaks=bool(profile.option("infer_page_breaks", True)),
            speaker_turns=bool(profile.option("speaker_turns", True)),
            numbered=bool(profile.option("numbered_paragraphs", True)),
            form_labels=list(profile.option("form_labels", [])),
            speakers=find_speakers(transcription.text, transcription.people)
            if profile.option("speaker_turns")
            else {},
        )
        if profile.structure == "telegram":
            body = telegram.encode(lines, ctx, builder, meta)
        else:
            body = make("body", line=1)
            blocks = split_blocks(lines)
            count = wrapper.is_wrapper_start(blocks) if profile.structure == "archive" else 0
            if count:
                body.append(wrapper.encode(blocks[:count], ctx, meta))
                document = make(
                    "div", type="document", line=blocks[count].start if count < len(blocks) else 1
                )
                body.append(document)
                builder.container = document
            else:
                builder.container = body
            for block in blocks[count:]:
                builder.add(block)
            builder.flush()
            if not len(body):
                body.append(make("p", line=1))
        meta.hands = dict(ctx.hands)
        supplied = body.find(".//{*}supplied[@resp='#translator']") is not None
        if supplied and not any(r[0] == "translator" for r in meta.responsibilities):
            # @resp must point somewhere: name the transcriber when no translator is credited
            meta.responsibilities.append(
                ("translator", "Words supplied in the transcription", "the transcriber (unnamed)")
            )
        meta.title = meta.title or guessed_title
        meta.date = meta.date or guessed_date
        apply_sidecar(meta, transcription.sidecar)
        return Reading(
            make("text", None, body, line=1),
            meta,
            profile=profile.name,
            reason="",
            diagnostics=ctx.diagnostics,
            consumed=ctx.consumed,
            quality=ocr.text_quality(transcription.text),
        )

    @staticmethod
    def _lift_footnotes(lines: list[str], ctx: InlineContext) -> list[str]:
        """Take ``[^1]: text`` definitions out of the text (they are encoded at their anchors)."""
        kept = []
        for number, line in enumerate(lines, start=1):
            match = DEFINITION.match(line)
            if match and "edition_note" in ctx.md.inline.ruler.get_all_rules():
                ctx.footnotes[match["label"]] = (number, match["text"])
                ctx.consumed.append(line[: match.start("text")])
                kept.append("")
            else:
                kept.append(line)
        return kept


def apply_sidecar(meta: object, sidecar: dict[str, object]) -> None:
    """Copy the sidecar's values over what was guessed: the sidecar always wins."""
    for key, value in sidecar.items():
        if not hasattr(meta, key):
            continue
        current = getattr(meta, key)
        if isinstance(current, str) and isinstance(value, str | int | float):
            setattr(meta, key, str(value))
        elif isinstance(current, list) and isinstance(value, list):
            setattr(meta, key, [tuple(v) if isinstance(v, list) else v for v in value])
