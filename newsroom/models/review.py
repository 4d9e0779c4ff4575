"""The review queue's types: actions, their history, versions, and published articles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from newsroom.models.base import Model
from newsroom.models.desk import Draft, DraftStatus


class Action(StrEnum):
    APPROVE = "approve"
    PUBLISH = "publish"
    REJECT = "reject"
    RESTORE = "restore"
    CHANGES = "changes"
    REVISED = "revised"  # the desk delivered a new version after `changes`
    RETRACT = "retract"


class ActionRecord(Model):
    """One row of a draft's append-only history."""

    id: int
    draft_id: str
    version: int
    action: Action
    actor: str
    note: str | None = None
    from_status: DraftStatus
    to_status: DraftStatus
    created_at: datetime
    applied_at: datetime | None = None  # when the story's thread took the decision


class Retraction(Model):
    reason: str
    actor: str
    at: datetime


class PublishedArticle(Model):
    """A draft as the published set serves it."""

    draft: Draft
    published_at: datetime
    retraction: Retraction | None = None
