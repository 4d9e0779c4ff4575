"""Offline, deterministic NLP for the extractive desk: sentences, cross-language
similarity and clustering, LexRank summarising, and lexical fact support.

No network, no model weights, no randomness: the same input gives the same output.
"""

from newsroom.nlp.sentences import split_sentences, words
from newsroom.nlp.similarity import SAME_EVENT_THRESHOLD, TfIdf, cluster, cosine, terms
from newsroom.nlp.summarize import rank_sentences, select_sentences
from newsroom.nlp.support import (
    SUPPORT_THRESHOLD,
    Support,
    best_support,
    citations,
    evidence_in_source,
    is_opinion,
    strip_citations,
)

__all__ = [
    "SAME_EVENT_THRESHOLD",
    "SUPPORT_THRESHOLD",
    "Support",
    "TfIdf",
    "best_support",
    "citations",
    "cluster",
    "cosine",
    "evidence_in_source",
    "is_opinion",
    "rank_sentences",
    "select_sentences",
    "split_sentences",
    "strip_citations",
    "terms",
    "words",
]
