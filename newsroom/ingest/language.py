"""Language of an item, with lingua restricted to the languages a topic covers."""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# Below this many letters a detector guesses; the feed's declared language is better.
_MIN_LETTERS = 12


@lru_cache(maxsize=16)
def _detector(codes: frozenset[str]) -> LanguageDetector:
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    if len(languages) == 1:
        # lingua needs two candidates; English is the usual second guess in feeds.
        languages.append(Language.ENGLISH if languages[0] != Language.ENGLISH else Language.GERMAN)
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_minimum_relative_distance(0.05)
        .build()
    )


def supported(codes: list[str]) -> frozenset[str]:
    return frozenset(c.lower() for c in codes if hasattr(IsoCode639_1, c.upper()))


def detect_language(text: str, candidates: list[str], fallback: str | None = None) -> str | None:
    """ISO 639-1 code of `text` among `candidates`, else the fallback (a feed's declared one)."""
    codes = supported(candidates)
    if not codes or sum(ch.isalpha() for ch in text[: _MIN_LETTERS * 4]) < _MIN_LETTERS:
        return fallback
    found = _detector(codes).detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else fallback
