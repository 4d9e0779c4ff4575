"""Domain types shared by every layer."""

from newsroom.models.base import Model
from newsroom.models.desk import (
    ArticleText,
    Byline,
    Candidate,
    Claim,
    Cost,
    Draft,
    DraftStatus,
    EditorReview,
    Fact,
    FactCheck,
    Illustration,
    Persona,
    Research,
    RunStatus,
    Section,
    Source,
    SourceRef,
    Story,
    StoryStatus,
    TimelineEntry,
    Verdict,
)
from newsroom.models.feeds import (
    Feed,
    FeedOutcome,
    FeedSpec,
    FeedStatus,
    FetchResult,
    IngestReport,
    Item,
    ParsedFeed,
    ParsedItem,
    StoreStatus,
    Topic,
)

__all__ = [
    "ArticleText", "Byline", "Candidate", "Claim", "Cost", "Draft", "DraftStatus",
    "EditorReview", "Fact", "FactCheck", "Feed", "FeedOutcome", "FeedSpec", "FeedStatus",
    "FetchResult", "Illustration", "IngestReport", "Item", "Model", "ParsedFeed", "ParsedItem",
    "Persona", "Research", "RunStatus", "Section", "Source", "SourceRef", "StoreStatus", "Story",
    "StoryStatus", "TimelineEntry", "Topic", "Verdict",
]  # fmt: skip
