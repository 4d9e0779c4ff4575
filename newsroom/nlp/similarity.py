"""Cross-language text features, TF-IDF vectors, and clustering of reports into events.

Pure Python on sparse dict vectors: the desk compares tens to hundreds of short texts,
where dicts beat building dense arrays, and it keeps the install free of numpy.
"""

from __future__ import annotations

import heapq
import math
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from newsroom.nlp.lexicon import (
    LATIN_FOLD,
    MULTIPLIER_EXACT,
    MULTIPLIER_PREFIX,
    RU_LETTERS,
    RU_ONLY_LETTERS,
    STOP_WORDS,
    UK_INITIAL,
    UK_LETTERS,
    UK_ONLY_LETTERS,
)
from newsroom.nlp.sentences import words

Vector = Mapping[str, float]

STEM_LENGTH = 6
# Numbers that identify an event ("480 drones", "157 for 157") count double; days of the
# month and years do not, since every report of the same day shares them.
NUMBER_WEIGHT = 3.0
# Cosine at which the curator should take two reports to be one event: calibrated on
# the demo corpus (en/uk/ru/de reports of nine events) and in tests/test_nlp.py.
SAME_EVENT_THRESHOLD = 0.12

_MAX_DIGITS = 30  # a longer digit run is an ID or noise, not an amount to scale


def is_number(term: str) -> bool:
    return term[:1].isdigit()


def terms(text: str, *, ukrainian: bool | None = None) -> list[str]:
    """The features of `text` for comparing it across languages: content words
    transliterated to Latin, folded and cut to 6 characters; numbers as their own
    terms, scaled by a following "thousand"/"тис."/"Millionen" etc.

    Cyrillic is read as Ukrainian or Russian by `looks_ukrainian(text)` unless
    `ukrainian` says which: pass it to read a sentence as its whole article reads.
    """
    tokens = words(text)
    if ukrainian is None:
        ukrainian = looks_ukrainian(text)
    found: list[str] = []
    for position, token in enumerate(tokens):
        if is_number(token):
            found.append(_scaled(token, tokens[position + 1] if position + 1 < len(tokens) else ""))
            continue
        word = _without_apostrophes(token)
        if len(word) < 2 or word in STOP_WORDS or _multiplier(word):
            continue
        stem = _stem(to_latin(word, ukrainian=ukrainian))
        if len(stem) >= 2:
            found.append(stem)
    return found


def to_latin(word: str, *, ukrainian: bool) -> str:
    """`word` (lower case) in folded Latin letters: Cyrillic by the Ukrainian or the
    Russian table, Latin diacritics dropped ("Rzeszów" -> "rzeszow")."""
    letters = UK_LETTERS if ukrainian else RU_LETTERS
    parts = []
    for index, char in enumerate(word):
        if ukrainian and index == 0 and char in UK_INITIAL:
            parts.append(UK_INITIAL[char])
        else:
            parts.append(letters.get(char, char))
    decomposed = unicodedata.normalize("NFKD", "".join(parts).translate(LATIN_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def looks_ukrainian(text: str) -> bool:
    """Whether Cyrillic in `text` should be read as Ukrainian: letters only one of the
    two alphabets has decide; plain Cyrillic ("Киев") reads as Russian, since Ukrainian
    prose can hardly go a sentence without "і"."""
    lowered = text.lower()
    uk = sum(lowered.count(c) for c in UK_ONLY_LETTERS)
    ru = sum(lowered.count(c) for c in RU_ONLY_LETTERS)
    return uk > 0 and uk >= ru


def _without_apostrophes(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]  # English possessive: "ukraine's" is "ukraine"
    head, _, tail = word.partition("'")
    if tail and len(head) <= 2 and head.isascii():
        word = tail  # French elision: "l'armée", "d'ukraine", "qu'il"
    return word.replace("'", "")


def _stem(latin: str) -> str:
    # An English/French plural "s" would otherwise split "drone"/"drones" before the cut.
    if len(latin) > 3 and latin.endswith("s") and not latin.endswith("ss") and latin.isascii():
        latin = latin[:-1]
    return latin[:STEM_LENGTH]


def _multiplier(word: str) -> int | None:
    if word in MULTIPLIER_EXACT:
        return MULTIPLIER_EXACT[word]
    for prefix, factor in MULTIPLIER_PREFIX:
        if word.startswith(prefix):
            return factor
    return None


def _scaled(number: str, next_token: str) -> str:
    factor = _multiplier(next_token)
    if factor is None or number.count(".") > 1 or len(number) > _MAX_DIGITS:
        return number
    try:
        value = Decimal(number) * factor
    except InvalidOperation:
        return number
    return format(value.normalize(), "f") if value != value.to_integral() else str(int(value))


def is_distinctive_number(term: str) -> bool:
    """A number that could identify an event: not a day of the month, not a year."""
    if not is_number(term) or term.count(".") > 1:
        return False
    value = float(term)
    return not (value <= 31 or (1900 <= value <= 2100 and "." not in term))


@dataclass(frozen=True)
class TfIdf:
    """Inverse document frequencies fitted on a corpus of term lists."""

    idf: Mapping[str, float]
    unseen_idf: float

    @classmethod
    def fit(cls, documents: Sequence[Sequence[str]]) -> TfIdf:
        df = Counter(term for document in documents for term in set(document))
        n = len(documents)
        # Smoothed, so a term in every document still counts a little.
        idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
        return cls(idf=idf, unseen_idf=math.log(1 + n) + 1)

    def vector(self, document: Sequence[str], *, number_weight: float = 1.0) -> dict[str, float]:
        """The unit-length TF-IDF vector of a term list (sublinear term frequency)."""
        weights = {}
        for term, count in Counter(document).items():
            weight = (1 + math.log(count)) * self.idf.get(term, self.unseen_idf)
            if number_weight != 1.0 and is_distinctive_number(term):
                weight *= number_weight
            weights[term] = weight
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {t: w / norm for t, w in weights.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two sparse vectors (0.0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    product = sum(w * b.get(t, 0.0) for t, w in a.items())
    norms = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return product / norms if norms else 0.0


def vectors(
    texts: Sequence[str], *, number_weight: float = NUMBER_WEIGHT
) -> list[dict[str, float]]:
    """TF-IDF vectors of `texts`, fitted on the texts themselves."""
    documents = [terms(text) for text in texts]
    model = TfIdf.fit(documents)
    return [model.vector(d, number_weight=number_weight) for d in documents]


def cluster(
    texts: list[str],
    *,
    threshold: float,
    times: list[datetime | None] | None = None,
    max_hours: float = 72,
) -> list[list[int]]:
    """Groups of `texts` that report the same event: indices, each group sorted, groups
    ordered by first index, every index in exactly one group.

    Average-linkage agglomeration on TF-IDF cosine of `terms` (distinctive numbers
    weighted up) that stops below `threshold`; texts further apart than `max_hours`
    never share a group, whatever their wording.
    """
    n = len(texts)
    if times is not None and len(times) != n:
        raise ValueError(f"cluster: {len(times)} times for {n} texts")
    pairs = pairwise(vectors(texts))
    links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for i in range(n):
        for j in range(i + 1, n):
            too_far = times is not None and _too_far(times[i], times[j], max_hours)
            links[i][j] = links[j][i] = -math.inf if too_far else pairs.get((i, j), 0.0)

    # Merged clusters get fresh ids, so heap entries of merged-away clusters are stale
    # and simply skipped; (-similarity, id, id) makes ties break the same way every run.
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    heap = [(-links[i][j], i, j) for i in range(n) for j in range(i + 1, n)]
    heap = [entry for entry in heap if -entry[0] >= threshold]
    heapq.heapify(heap)
    next_id = n
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        size_a, size_b = len(members[a]), len(members[b])
        merged = members.pop(a) + members.pop(b)
        row_a, row_b = links.pop(a), links.pop(b)
        row: dict[int, float] = {}
        for k in members:
            # Lance-Williams update for average linkage; -inf (too far apart) stays -inf.
            s = (size_a * row_a[k] + size_b * row_b[k]) / (size_a + size_b)
            row[k] = s
            links[k][next_id] = s
            del links[k][a], links[k][b]
            if s >= threshold:
                heapq.heappush(heap, (-s, k, next_id))
        members[next_id], links[next_id] = merged, row
        next_id += 1
    return sorted((sorted(group) for group in members.values()), key=lambda g: g[0])


def pairwise(vecs: Sequence[Vector]) -> dict[tuple[int, int], float]:
    """Cosines of unit vectors for every pair (i, j), i < j, that shares a term.

    Through an inverted index, so pairs with nothing in common cost nothing.
    """
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, vec in enumerate(vecs):
        for term, weight in vec.items():
            postings.setdefault(term, []).append((index, weight))
    sums: dict[tuple[int, int], float] = {}
    for posting in postings.values():
        for k, (i, wi) in enumerate(posting):
            for j, wj in posting[k + 1 :]:
                sums[i, j] = sums.get((i, j), 0.0) + wi * wj
    return sums


def dot(a: Vector, b: Vector) -> float:
    """Cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _too_far(a: datetime | None, b: datetime | None, max_hours: float) -> bool:
    if a is None or b is None:
        return False
    if (a.tzinfo is None) != (b.tzinfo is None):
        # Naive and aware times cannot be subtracted; read naive ones as UTC.
        a, b = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (a, b))
    return abs((a - b).total_seconds()) > max_hours * 3600
