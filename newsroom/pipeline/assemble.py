"""Putting a story's finished parts together into the Draft the queue holds."""

from __future__ import annotations

from datetime import UTC, datetime

from newsroom.models import (
    ArticleText,
    Byline,
    Cost,
    Draft,
    EditorReview,
    FactCheck,
    Illustration,
    Persona,
    Research,
    SourceRef,
    Story,
)

OFFLINE_NOTE = (
    "Drafted by newsroom's offline extractive engine: no language model was used; the "
    "sentences are quoted from the cited sources, so the prose is plainer than an analyst's."
)


def assemble_draft(
    *,
    run_id: str,
    story: Story,
    article: ArticleText,
    research: Research,
    factcheck: FactCheck,
    illustration: Illustration,
    review: EditorReview,
    personas: dict[str, Persona],
    cost: Cost,
    engine: str,
    version: int,
    editor_note: str | None = None,
) -> Draft:
    analyst = personas["analyst"]
    notes = [OFFLINE_NOTE] if engine == "offline" else []
    notes += sorted({c.translation_note for c in story.candidates if c.translation_note})
    if editor_note and version > 1:
        notes.append(f"Version {version}, revised after the editor's note: {editor_note}")
    return Draft(
        id=story.id,
        story_id=story.id,
        run_id=run_id,
        topic=story.topic,
        version=version,
        headline=article.headline,
        dek=article.dek,
        body=article.body_markdown(),
        sections=article.sections,
        sources=[
            SourceRef(
                n=s.n,
                outlet=s.outlet,
                title=s.title,
                url=s.url,
                published=s.published,
                language=s.language,
            )
            for s in research.sources
        ],
        claims=factcheck.claims,
        illustration=illustration,
        byline=Byline(name=analyst.name, bio=analyst.bio),
        personas=[p.id for p in personas.values()],
        production=production_note(personas, factcheck, len(research.sources), engine),
        review=review,
        cost=cost,
        engine="offline" if engine == "offline" else "openai",
        notes=notes,
        created_at=datetime.now(UTC),
    )


def production_note(
    personas: dict[str, Persona], factcheck: FactCheck, source_count: int, engine: str
) -> str:
    crew = ", ".join(f"{p.name} ({role.replace('_', ' ')})" for role, p in personas.items())
    opinions = sum(c.verdict == "opinion" for c in factcheck.claims)
    unsupported = len(factcheck.unsupported)
    how = (
        "The offline extractive engine assembled it from sentences of the sources."
        if engine == "offline"
        else "Language models wrote it in the analyst's voice from the sources."
    )
    return (
        f"Nine AI personas produced this analysis: {crew}. {how} "
        f"It draws on {source_count} sources; every factual sentence cites them, and the fact "
        f"checker compared each of its {len(factcheck.claims)} claims with the text of the "
        f"sources it cites: {factcheck.supported_count} supported, {unsupported} unsupported, "
        f"{opinions} analysis or opinion. A human editor reviews every piece before it is "
        "published."
    )
