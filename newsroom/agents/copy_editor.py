"""The copy editor: headline, dek, section headings, house style and length, citations untouched."""

from __future__ import annotations

import re

from newsroom.llm.base import LLM
from newsroom.models import ArticleText, Model, Persona, Section
from newsroom.models.llm import CallContext
from newsroom.nlp.support import citations

MAX_HEADLINE = 110
MAX_DEK = 240
# House spellings: Ukrainian transliterations, as the Kyiv Independent and most wires use.
HOUSE_STYLE = [
    (re.compile(r"\bKiev\b"), "Kyiv"),
    (re.compile(r"\bKharkov\b"), "Kharkiv"),
    (re.compile(r"\bOdessa\b"), "Odesa"),
    (re.compile(r"\bZelensky\b"), "Zelenskyy"),
    (re.compile(r"\bthe Ukraine\b"), "Ukraine"),
    (re.compile(r"[ \t]{2,}"), " "),
]


class CopyEditInputs(Model):
    article: ArticleText
    max_words: int


def edit(llm: LLM, persona: Persona, inputs: CopyEditInputs, context: CallContext) -> ArticleText:
    proposed = llm.generate(
        "copy_editor",
        inputs,
        ArticleText,
        persona=persona,
        context=context,
        offline=lambda: inputs.article,
    )
    return house_style(keep_citations(inputs.article, proposed), inputs.max_words)


def keep_citations(original: ArticleText, edited: ArticleText) -> ArticleText:
    """The edit, except where it changed which sources a paragraph cites: there, the original.

    A copy editor polishes words; it may not add, drop or move a citation.
    """
    if [len(s.paragraphs) for s in edited.sections] != [
        len(s.paragraphs) for s in original.sections
    ]:
        sections = original.sections
    else:
        sections = [
            Section(
                heading=edited_section.heading or section.heading,
                paragraphs=[
                    new if citations(new) == citations(old) else old
                    for old, new in zip(section.paragraphs, edited_section.paragraphs, strict=True)
                ],
            )
            for section, edited_section in zip(original.sections, edited.sections, strict=True)
        ]
    return ArticleText(headline=edited.headline, dek=edited.dek, sections=sections)


def house_style(article: ArticleText, max_words: int) -> ArticleText:
    def fix(text: str) -> str:
        for pattern, replacement in HOUSE_STYLE:
            text = pattern.sub(replacement, text)
        return text.strip()

    sections = [
        Section(heading=fix(s.heading), paragraphs=[fix(p) for p in s.paragraphs])
        for s in article.sections
    ]
    return ArticleText(
        headline=_shorten(fix(article.headline), MAX_HEADLINE),
        dek=_shorten(fix(_strip_markers(article.dek)), MAX_DEK),
        sections=_trim(sections, max_words),
    )


def _strip_markers(text: str) -> str:
    return re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", text)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def _trim(sections: list[Section], max_words: int) -> list[Section]:
    """Drop whole paragraphs from the end of the longest sections until the piece fits."""
    words = sum(len(p.split()) for s in sections for p in s.paragraphs)
    trimmed = [s.model_copy(deep=True) for s in sections]
    while words > max_words:
        longest = max(trimmed, key=lambda s: len(s.paragraphs))
        if len(longest.paragraphs) <= 1:
            break
        words -= len(longest.paragraphs.pop().split())
    return trimmed
