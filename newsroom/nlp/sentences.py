"""Sentence splitting and word tokens for en, uk, ru, de, fr and pl news text.

Rule-based rather than a library: pysbd has no Ukrainian and an untrained Punkt model
(nltk) learns abbreviations only from the text it is given, which for a 100-word news
item is nothing. The rules below are the ones news copy needs, and they are exact.
"""

from __future__ import annotations

import re
import unicodedata

from newsroom.nlp.lexicon import (
    ABBREVIATIONS,
    FINAL_ABBREVIATIONS,
    GERMAN_BEFORE_ORDINAL,
    GERMAN_MONTHS,
)

# A candidate boundary: terminators, closing quotes or brackets (French puts a space
# before »), then whitespace. Whether it is a boundary depends on the words around it.
_BOUNDARY = re.compile(r"(?P<end>(?:[.!?]|…)+)(?P<close>(?:\s?»|[\"'”’“)\]])*)\s+")
_OPENERS = frozenset("\"'«„“‘([—–-¡¿")
_LEADING_PUNCT = "\"'«„“‘([{"
# A dotted abbreviation like "z.B", "u.a", "т.е", "U.S" (the final dot already removed).
_DOTTED = re.compile(r"^(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}$")
_APOSTROPHES = "'’ʼ"

# Numbers in the spellings news copy uses: grouped thousands ("1,200", "1.200", "1 200",
# with no-break or thin spaces too, though not "2 750-kV"), decimals with a point or a
# comma ("3.5", "3,5"), and dotted dates ("24.02.2022"), which stay one token.
_TOKEN = re.compile(
    r"(?P<date>(?<![\d.,])\d{1,2}\.\d{1,2}\.\d{2,4}(?![\d]))"
    r"|(?:(?P<whole>(?<![\d.,:])\d{1,3}(?:(?P<sep>[,.])\d{3}(?:(?P=sep)\d{3})*"
    r"|(?:[\u00a0\u202f\u2009 ]\d{3})+(?![\d-])))|(?P<number>\d+))(?!\d)(?P<fraction>[.,]\d+)?"
    r"|(?P<word>[^\W\d_]+(?:[" + _APOSTROPHES + r"][^\W\d_]+)*)"
)
_SEPARATORS = str.maketrans("", "", ",.\u00a0\u202f\u2009 ")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each stripped, in order; a line break always ends one.

    Every sentence is a verbatim slice of `text`, so it can be quoted as evidence.
    """
    sentences: list[str] = []
    for paragraph in text.splitlines():
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            if _ends_sentence(paragraph, match):
                sentences.append(paragraph[start : match.end()].strip())
                start = match.end()
        sentences.append(paragraph[start:].strip())
    return [s for s in sentences if s]


def _ends_sentence(paragraph: str, match: re.Match[str]) -> bool:
    following = paragraph[match.end() :]
    if not _starts_sentence(following):
        return False
    end, close = match.group("end"), match.group("close")
    # "!", "?", an ellipsis, or a quotation closed after its full stop: always a boundary.
    if end != "." or close:
        return True
    # The two words before the stop; a window keeps long paragraphs linear.
    before = paragraph[max(0, match.start() - 64) : match.start()].split()
    token = before[-1].lstrip(_LEADING_PUNCT).lower() if before else ""
    if len(token) == 1 and token.isalpha():
        return False  # an initial ("V. Zelensky") or "м.", "р.", "r.", "p."
    if token in ABBREVIATIONS or _DOTTED.match(token):
        return token in FINAL_ABBREVIATIONS
    if token.isdigit() and len(token) <= 2:
        # German ordinals: "am 19. November", "das 21. Sanktionspaket".
        next_word = following.split(maxsplit=1)[0].lower()
        previous = before[-2].lower() if len(before) > 1 else ""
        if next_word.rstrip(",.") in GERMAN_MONTHS or previous in GERMAN_BEFORE_ORDINAL:
            return False
    return True


def _starts_sentence(following: str) -> bool:
    first = following[:1]
    return first.isupper() or first.isdigit() or first in _OPENERS


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens; numbers normalised ("1,200" -> "1200",
    "3,5" -> "3.5"), apostrophes inside words kept as "'" ("ukraine's", "з'явився")."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(unicodedata.normalize("NFC", text)):
        kind = match.lastgroup
        if kind == "word":
            value = "".join("'" if ch in _APOSTROPHES else ch for ch in match.group().lower())
        elif kind == "date":
            value = match.group()
        else:
            whole = match.group("whole") or match.group("number")
            fraction = match.group("fraction") or ""
            value = whole.translate(_SEPARATORS) + fraction.replace(",", ".")
        tokens.append(value)
    return tokens
