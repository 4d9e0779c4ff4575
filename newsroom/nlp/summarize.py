"""Extractive summarising: LexRank sentence ranking and redundancy-aware selection.

Continuous LexRank (Erkan & Radev, 2004): sentences are nodes, TF-IDF cosine of their
`terms` the edge weights, and the stationary distribution of a random walk over them
(PageRank, by power iteration) the score. A fact that several outlets report is
central in that graph, which is what the offline desk should quote first. Written out
rather than taken from sumy: sumy needs NLTK data for its default tokenizer and numpy,
and would still need our cross-language `terms`, which is most of the work.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsroom.nlp.similarity import (
    NUMBER_WEIGHT,
    TfIdf,
    Vector,
    dot,
    is_distinctive_number,
    looks_ukrainian,
    pairwise,
    terms,
)

DAMPING = 0.85  # the usual PageRank damping: how far the walk follows similarity
# With a query, this share of the teleport goes to sentences like the query (biased
# LexRank, Otterbacher et al. 2005); the rest stays uniform so no sentence scores 0.
QUERY_SHARE = 0.7
# Selection, on relevance scaled to [0, 1]: what similarity to an already chosen
# sentence costs (MMR), and the boost for a source not yet quoted. The boost multiplies,
# so it breaks near-ties between sources but never lifts a weak sentence over a strong one.
REDUNDANCY_PENALTY = 0.5
NEW_SOURCE_BOOST = 1.5

_TOLERANCE = 1e-6  # L1 change of the whole rank vector; the order is settled long before
_MAX_ITERATIONS = 200


def rank_sentences(sentences: list[str], *, query: str | None = None) -> list[float]:
    """One LexRank score per sentence (they sum to 1), optionally biased toward
    sentences that resemble `query`, e.g. the story's title."""
    vecs, query_vec = _vectors(sentences, query)
    return _lexrank(vecs, query_vec)


def select_sentences(
    candidates: list[tuple[str, int]],
    *,
    limit: int,
    query: str | None = None,
    redundancy: float = 0.5,
) -> list[tuple[str, int]]:
    """Up to `limit` of the (sentence, source_number) candidates, the most central first
    chosen, none repeating one already chosen (the same fact from two outlets appears
    once), a source not yet quoted preferred.

    A candidate repeats a chosen sentence when their cosine is >= `redundancy`, or when
    its distinctive numbers are all in that sentence: across languages the numbers are
    what two reports of one fact visibly share ("600,000 homes", "600 тисяч домівок").

    Returned in reading order: by source number, then in the order the candidates were
    given (which for one source is its sentence order).
    """
    if limit <= 0 or not candidates:
        return []
    # Each source's Cyrillic is read one way, whatever letters a single sentence has.
    sources = {n for _, n in candidates}
    ukrainian = {n: looks_ukrainian(" ".join(s for s, m in candidates if m == n)) for n in sources}
    vecs, query_vec = _vectors(
        [sentence for sentence, _ in candidates], query, [ukrainian[n] for _, n in candidates]
    )
    scores = _lexrank(vecs, query_vec)
    top = max(scores)
    relevance = [score / top for score in scores]
    numbers = [frozenset(filter(is_distinctive_number, vec)) for vec in vecs]

    def overlap(i: int, j: int) -> float:
        return 1.0 if numbers[i] and numbers[i] <= numbers[j] else dot(vecs[i], vecs[j])

    # A candidate with no content terms ("Photo: AP.") has nothing to say.
    open_ = [i for i, vec in enumerate(vecs) if vec]
    repeats = [0.0] * len(candidates)  # the most it repeats any chosen sentence
    chosen: list[int] = []
    quoted: set[int] = set()
    while open_ and len(chosen) < limit:
        if chosen:
            last = chosen[-1]
            for i in open_:
                repeats[i] = max(repeats[i], overlap(i, last))
            # A sentence that repeats a chosen one stays out for good.
            open_ = [i for i in open_ if repeats[i] < redundancy]
            if not open_:
                break

        def value(i: int) -> float:
            boost = NEW_SOURCE_BOOST if candidates[i][1] not in quoted else 1.0
            return relevance[i] * boost - REDUNDANCY_PENALTY * repeats[i]

        best = max(open_, key=lambda i: (value(i), -i))  # the earlier candidate wins a tie
        chosen.append(best)
        quoted.add(candidates[best][1])
        open_.remove(best)
    chosen.sort(key=lambda i: (candidates[i][1], i))
    return [candidates[i] for i in chosen]


def _vectors(
    sentences: Sequence[str], query: str | None, ukrainian: Sequence[bool | None] | None = None
) -> tuple[list[dict[str, float]], dict[str, float] | None]:
    readings = ukrainian or [None] * len(sentences)
    documents = [terms(s, ukrainian=u) for s, u in zip(sentences, readings, strict=True)]
    model = TfIdf.fit(documents)
    vecs = [model.vector(d, number_weight=NUMBER_WEIGHT) for d in documents]
    query_vec = model.vector(terms(query), number_weight=NUMBER_WEIGHT) if query else None
    return vecs, query_vec


def _lexrank(vecs: Sequence[Vector], query_vec: Vector | None) -> list[float]:
    n = len(vecs)
    if n == 0:
        return []
    # Each sentence is its own neighbour with weight 1 (its cosine with itself), as in
    # Erkan & Radev's matrix: without it a pair of sentences linked only to each other
    # would keep the same rank however faint the link.
    neighbours: list[list[tuple[int, float]]] = [[(i, 1.0)] for i in range(n)]
    for (i, j), weight in sorted(pairwise(vecs).items()):
        if weight > 0:
            neighbours[i].append((j, weight))
            neighbours[j].append((i, weight))
    out_weight = [sum(w for _, w in edges) for edges in neighbours]
    teleport = _teleport(vecs, query_vec)

    rank = [1.0 / n] * n
    for _ in range(_MAX_ITERATIONS):
        new = [(1 - DAMPING) * t for t in teleport]
        for i, edges in enumerate(neighbours):
            share = DAMPING * rank[i] / out_weight[i]
            for j, weight in edges:
                new[j] += share * weight
        change = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if change < _TOLERANCE:
            break
    return rank


def _teleport(vecs: Sequence[Vector], query_vec: Vector | None) -> list[float]:
    n = len(vecs)
    uniform = [1.0 / n] * n
    if not query_vec:
        return uniform
    likeness = [dot(query_vec, vec) for vec in vecs]
    total = sum(likeness)
    if total <= 0:
        return uniform
    return [(1 - QUERY_SHARE) / n + QUERY_SHARE * s / total for s in likeness]
