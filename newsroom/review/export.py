"""A draft as Markdown or JSON, the forms runs/ and `newsroom export` write."""

from __future__ import annotations

from newsroom.models import Draft
from newsroom.review.urls import http_url

LANGUAGE_NAMES = {"en": "English", "uk": "Ukrainian", "ru": "Russian", "de": "German",
                  "fr": "French", "pl": "Polish"}  # fmt: skip


def to_json(draft: Draft) -> str:
    return draft.model_dump_json(indent=2)


def to_markdown(draft: Draft) -> str:
    lines = [f"# {draft.headline}", "", f"*{draft.dek}*", ""]
    lines += [f"> {draft.illustration.caption}", ""]
    lines += [draft.body, ""]
    lines += ["## Sources", ""]
    for source in draft.sources:
        published = f", {source.published:%d %B %Y %H:%M} UTC" if source.published else ""
        language = LANGUAGE_NAMES.get(source.language or "", source.language or "unknown")
        # A feed's link becomes a Markdown link only when it is plain http(s).
        url = http_url(source.url)
        title = f"[{source.title}](<{url}>)" if url else source.title
        lines.append(f"{source.n}. {source.outlet}: {title} ({language}{published})")
    lines += ["", f"## About {draft.byline.name}", "", draft.byline.bio, ""]
    lines += ["## How this analysis was produced", "", draft.production, ""]
    lines += [f"*{note}*" for note in draft.notes]
    return "\n".join(lines).rstrip() + "\n"
