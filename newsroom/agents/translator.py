"""The translator: English renderings of non-English items, the original kept beside them."""

from __future__ import annotations

from newsroom.llm.base import LLM
from newsroom.models import Candidate, Model, Persona
from newsroom.models.llm import CallContext

# Enough of an item for clustering, research and citing; long bodies cost too much to translate.
MAX_CHARS = 2500


class TranslatorInputs(Model):
    language: str
    title: str
    text: str


class Translation(Model):
    title_en: str
    text_en: str


def translate(
    llm: LLM, persona: Persona, candidates: list[Candidate], context: CallContext
) -> list[Candidate]:
    """Every candidate, non-English ones with an English rendering or a note saying why not."""
    return [
        c if not c.language or c.language == "en" else _translate_one(llm, persona, c, context)
        for c in candidates
    ]


def _translate_one(
    llm: LLM, persona: Persona, candidate: Candidate, context: CallContext
) -> Candidate:
    if llm.engine == "offline":
        return candidate.model_copy(
            update={
                "translation_note": f"kept in its original language ({candidate.language}): "
                "no translator is configured (offline engine)"
            }
        )
    inputs = TranslatorInputs(
        language=candidate.language or "und",
        title=candidate.title,
        text=candidate.text[:MAX_CHARS],
    )
    translation = llm.generate(
        "translator",
        inputs,
        Translation,
        persona=persona,
        context=context,
        offline=lambda: Translation(title_en=candidate.title, text_en=candidate.text),
    )
    return candidate.model_copy(
        update={
            "title_en": translation.title_en,
            "text_en": translation.text_en,
            "translation_note": f"translated from {candidate.language} by {persona.name}",
        }
    )
