"""Lexical fact checking: does a source support a claim, is a quoted span really in it,
citation markers, and a heuristic for opinion sentences with nothing to check."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from newsroom.nlp.lexicon import (
    COMMON_NAME_PREFIXES,
    COMMON_NAMES_EXACT,
    DATE_WORDS,
    GERMAN_FUNCTION_WORDS,
    OPINION_MARKERS,
    STOP_WORDS,
)
from newsroom.nlp.sentences import split_sentences
from newsroom.nlp.similarity import is_number, looks_ukrainian, terms, to_latin

# At or above this a claim counts as supported. Calibrated on the cases in
# tests/test_nlp.py: a copied sentence scores 1.0, light paraphrases 0.80-0.86,
# paraphrases checked against a translated source 0.62-0.78; claims about another event
# at most 0.36 (one sharing the city and its officials), a changed number 0.25 (capped).
SUPPORT_THRESHOLD = 0.5
# A claim number the evidence lacks is a wrong fact, not a paraphrase: the sentence's
# score is cut to at most this share of the threshold, so it can never be "supported".
_WRONG_NUMBER_CAP = 0.5 * SUPPORT_THRESHOLD
# Names of the claim the sentence lacks cost this share of the score, pro rata.
_MISSING_NAME_COST = 0.4


@dataclass(frozen=True)
class Support:
    score: float
    evidence: str | None  # a full sentence of the source, verbatim; None if nothing matched


def best_support(claim: str, source_text: str) -> Support:
    """The sentence of `source_text` that best supports `claim`, and how well.

    The score is the share of the claim's content terms (IDF-weighted within the
    source) that the sentence has, reduced when the claim's names are missing from
    it and capped below SUPPORT_THRESHOLD when any of the claim's numbers is.
    """
    text = strip_citations(claim)
    claim_terms = set(terms(text))
    sentences, sentence_terms, df = _indexed(source_text)
    if not claim_terms or not sentences:
        return Support(score=0.0, evidence=None)
    numbers = {t for t in claim_terms if is_number(t)}
    names = _name_terms(text) & claim_terms
    n = len(sentences)

    def idf(term: str) -> float:
        # A claim term the source never uses is as telling as its rarest term.
        return math.log((1 + n) / (1 + df[term])) + 1

    total = sum(idf(t) for t in claim_terms)
    best, best_key = -1, (0.0, 0.0)
    for index, found in enumerate(sentence_terms):
        overlap = sum(idf(t) for t in claim_terms & found) / total
        if names:
            overlap *= 1 - _MISSING_NAME_COST * len(names - found) / len(names)
        score = min(overlap, _WRONG_NUMBER_CAP) if numbers - found else overlap
        # Among capped sentences the closest one is still the one to show.
        if (score, overlap) > best_key:  # strict: the earlier sentence wins a tie
            best, best_key = index, (score, overlap)
    if best < 0:
        return Support(score=0.0, evidence=None)
    return Support(score=round(best_key[0], 4), evidence=sentences[best])


@lru_cache(maxsize=128)
def _indexed(
    source_text: str,
) -> tuple[tuple[str, ...], tuple[frozenset[str], ...], Counter[str]]:
    """A source's sentences, their terms and document frequencies; cached because the
    fact checker checks every claim citing a source against the same text."""
    sentences = tuple(split_sentences(source_text))
    ukrainian = looks_ukrainian(source_text)  # one reading for the whole source
    sentence_terms = tuple(frozenset(terms(s, ukrainian=ukrainian)) for s in sentences)
    return sentences, sentence_terms, Counter(t for found in sentence_terms for t in found)


def _name_terms(text: str) -> set[str]:
    """Terms of the capitalised words after the first (which is capitalised anyway)."""
    found = set()
    for token in _WORD.findall(text)[1:]:
        if token[:1].isupper() and token.lower() not in STOP_WORDS:
            found.update(terms(token))
    return found


# The quote and dash variants a model may substitute for the source's own.
_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("“”„‟«»″〝〞＂", '"'),
        **dict.fromkeys("‘’‚‛‹›′`´ʼ", "'"),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    }
)
_SPACES = re.compile(r"\s+")


def evidence_in_source(evidence: str, source_text: str) -> bool:
    """Whether `evidence` appears in `source_text`, up to whitespace, quote and dash
    variants, case and a trailing full stop. Deliberately nothing fuzzier: this is the
    mechanical check that a model did not invent its quotation."""
    needle = _normalised(evidence)
    if needle.endswith("."):
        needle = needle[:-1].rstrip()
    return bool(needle) and needle in _normalised(source_text)


def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    return _SPACES.sub(" ", text).strip().casefold()


_CITATION = re.compile(r"\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_MARKER = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(m) for m in OPINION_MARKERS) + r")(?!\w)")


def citations(sentence: str) -> list[int]:
    """Source numbers cited as "[1]", "[2][3]" or "[1, 3]", in order of first mention."""
    found = (int(n) for marker in _CITATION.findall(sentence) for n in re.findall(r"\d+", marker))
    return list(dict.fromkeys(found))


def strip_citations(sentence: str) -> str:
    """`sentence` without its citation markers or the spaces before them."""
    previous = None
    while previous != sentence:  # "[1[2]]" leaves "[1]" after one pass
        previous, sentence = sentence, _CITATION.sub("", sentence)
    return sentence.strip()


def is_opinion(sentence: str) -> bool:
    """A heuristic: True for analysis that carries no checkable fact, i.e. a sentence
    with a hedging or evaluative marker ("will", "likely", "suggests", "it is clear",
    "ймовірно", "dürfte", ...) and no number, no date and no name beyond the beat's
    everyday ones (Ukraine, Russia, Kyiv, Moscow, the EU, NATO...). It errs toward
    "checkable": a sentence it is unsure of goes to the fact check."""
    text = strip_citations(sentence)
    if any(char.isdigit() for char in text):
        return False
    tokens = _WORD.findall(text)
    lowered = [token.lower().replace("’", "'") for token in tokens]
    if any(word.replace("'", "") in DATE_WORDS for word in lowered):
        return False
    # German capitalises every noun, so there only acronyms can be told for names.
    german = sum(word in GERMAN_FUNCTION_WORDS for word in lowered) >= 2
    for index, token in enumerate(tokens):
        acronym = len(token) > 1 and token.isupper()
        capitalised = index > 0 and token[:1].isupper() and not german
        if (acronym or capitalised) and not _is_common_name(token):
            return False
    return _MARKER.search(_SPACES.sub(" ", text.lower().replace("’", "'"))) is not None


def _is_common_name(token: str) -> bool:
    word = token.lower()
    if word in STOP_WORDS:
        return True
    bare = word.replace("'", "").replace("’", "")
    return any(
        latin in COMMON_NAMES_EXACT or latin.startswith(COMMON_NAME_PREFIXES)
        for latin in {to_latin(bare, ukrainian=True), to_latin(bare, ukrainian=False)}
    )
