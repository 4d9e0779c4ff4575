"""Readability of a draft's prose: average sentence length, and Flesch reading ease for English.

Flesch reading ease = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words).
About 60-70 is plain English, 30-50 is what quality newspapers print, under 30 is academic.
Syllables are counted by rule (vowel groups, a silent final "e"), not from a dictionary,
so the score is good to a few points: enough to compare drafts, not to grade one.
"""

from __future__ import annotations

import re

from newsroom.models import Model

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_VOWELS = re.compile(r"[aeiouy]+")
# English is assumed when at least this share of a sentence's letters are ASCII.
_ENGLISH_LETTERS = 0.9


class Readability(Model):
    sentences: int
    words: int
    avg_sentence_words: float
    flesch_reading_ease: float | None = None  # None when there is no English prose to score


def readability(sentences: list[str]) -> Readability:
    """Scores for prose sentences (citation markers already removed)."""
    counts = [len(_WORD.findall(s)) for s in sentences]
    words = sum(counts)
    return Readability(
        sentences=len(sentences),
        words=words,
        avg_sentence_words=round(words / len(sentences), 2) if sentences else 0.0,
        flesch_reading_ease=flesch_reading_ease(sentences),
    )


def flesch_reading_ease(sentences: list[str]) -> float | None:
    """Over the English sentences among `sentences`; None when there are none."""
    sentences = [s for s in sentences if _is_english(s)]
    tokens = [w for s in sentences for w in _LATIN_WORD.findall(s)]
    if not sentences or not tokens:
        return None
    syllables = sum(count_syllables(w) for w in tokens)
    score = 206.835 - 1.015 * len(tokens) / len(sentences) - 84.6 * syllables / len(tokens)
    return round(score, 1)


def count_syllables(word: str) -> int:
    word = word.lower().replace("’", "'").split("'")[0]
    groups = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1  # "make", "phase": the final e is silent
    return max(groups, 1)


def _is_english(sentence: str) -> bool:
    letters = [c for c in sentence if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) >= _ENGLISH_LETTERS
