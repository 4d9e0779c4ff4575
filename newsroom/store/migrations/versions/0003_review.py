"""The review queue: draft lock counters, versions, and the append-only action history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from newsroom.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("published_at", UTCDateTime))
    op.create_table(
        "draft_versions",
        sa.Column("draft_id", sa.String(64), sa.ForeignKey("drafts.id"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("draft", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "draft_id", sa.String(64), sa.ForeignKey("drafts.id"), nullable=False, index=True
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("applied_at", UTCDateTime),
    )


def downgrade() -> None:
    op.drop_table("review_actions")
    op.drop_table("draft_versions")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("published_at")
        batch.drop_column("revision")
