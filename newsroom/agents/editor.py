"""The editor: the desk's standards, checked before a draft goes to the human editors' queue."""

from __future__ import annotations

import re

from pydantic import Field

from newsroom.llm.base import LLM
from newsroom.models import ArticleText, EditorReview, FactCheck, Model, Persona, Source
from newsroom.models.llm import CallContext

# Words that can defame when not backed by a source; an editor must look at each use.
LEGAL_RED_FLAGS = re.compile(
    r"\b(war criminal|criminal|guilty|murder(?:er|ed)?|fraud|corrupt(?:ion)?|traitor|"
    r"terrorist|genocide|embezzl\w*|bribe\w*)\b",
    re.IGNORECASE,
)


class EditorInputs(Model):
    article: ArticleText
    factcheck: FactCheck
    sources: list[Source]
    min_outlets: int


class EditorNotes(Model):
    note: str = ""
    flags: list[str] = Field(default_factory=list)


def review(llm: LLM, persona: Persona, inputs: EditorInputs, context: CallContext) -> EditorReview:
    checks = standards(inputs)
    notes = llm.generate(
        "editor",
        inputs,
        EditorNotes,
        persona=persona,
        context=context,
        offline=lambda: EditorNotes(note=_summary(checks)),
    )
    return checks.model_copy(
        update={
            "flags": [*checks.flags, *(f for f in notes.flags if f not in checks.flags)],
            "note": notes.note or _summary(checks),
        }
    )


def standards(inputs: EditorInputs) -> EditorReview:
    """The checks no model can waive: outlets, unsupported claims, balance, legal words."""
    by_n = {s.n: s for s in inputs.sources}
    backing = {
        n
        for claim in inputs.factcheck.claims
        if claim.verdict == "supported"
        for n in claim.sources
    }
    outlets = sorted({by_n[n].outlet for n in backing if n in by_n})
    languages = sorted({by_n[n].language or "und" for n in backing if n in by_n})
    flags = []
    if len(outlets) < inputs.min_outlets:
        flags.append(
            f"only {len(outlets)} independent outlet(s) back the draft; "
            f"the desk needs {inputs.min_outlets}"
        )
    for claim in inputs.factcheck.unsupported:
        flags.append(f"unsupported claim: {claim.text} ({claim.note or 'no source found'})")
    if len({s.language for s in inputs.sources}) > 1 and len(languages) < 2:
        flags.append("balance: every supported claim comes from sources in one language")
    for claim in inputs.factcheck.claims:
        if claim.verdict != "supported" and (word := LEGAL_RED_FLAGS.search(claim.text)):
            flags.append(f"legal: “{word.group(0)}” in a claim no source backs: {claim.text}")
    passed = len(outlets) >= inputs.min_outlets and not inputs.factcheck.unsupported
    return EditorReview(
        passed=passed, independent_outlets=len(outlets), languages=languages, flags=flags
    )


def _summary(review: EditorReview) -> str:
    verdict = "meets the desk's standards" if review.passed else "needs an editor's attention"
    return (
        f"The draft {verdict}: {review.independent_outlets} independent outlets in "
        f"{', '.join(review.languages) or 'no language'}; {len(review.flags)} flag(s)."
    )
