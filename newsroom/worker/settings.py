"""The workers' settings: env NEWSROOM_WORKER_*, then defaults; the schedule as cron lines."""

from __future__ import annotations

from croniter import croniter
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from newsroom.config import Settings


class WorkerSettings(BaseSettings):
    """How a worker runs and what its schedule does (cron lines take a 6th field: seconds)."""

    model_config = SettingsConfigDict(env_prefix="NEWSROOM_WORKER_", extra="ignore")

    concurrency: int = Field(4, ge=1, description="Tasks one worker process runs at once.")
    ingest_cron: str | None = Field(
        None, description="When each topic's due feeds are fetched (default: every "
        "NEWSROOM_FETCH_INTERVAL_MINUTES)."
    )  # fmt: skip
    run_cron: str | None = Field(
        "0 * * * *", description="When each topic's stories are drafted; empty: never."
    )
    recover_cron: str = Field(
        "* * * * *", description="When stalled tasks are retried and decisions applied."
    )
    cleanup_cron: str = Field("17 4 * * *", description="When old finished tasks are removed.")
    keep_hours: int = Field(24 * 7, ge=1, description="How long finished tasks are kept.")
    topics: list[str] | None = Field(None, description="Topics on the schedule (default: all).")
    max_stories: int = Field(5, ge=1, description="Stories a scheduled run drafts.")
    heartbeat_seconds: float = Field(10.0, gt=0, description="How often a worker says it lives.")
    stalled_after_seconds: float = Field(
        60.0, gt=0, description="Silence after which a worker's tasks are given to another."
    )

    @field_validator("ingest_cron", "run_cron", "recover_cron", "cleanup_cron")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value and not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a cron line (minute hour day month weekday)")
        return value or None

    def ingest_schedule(self, settings: Settings) -> str:
        if self.ingest_cron:
            return self.ingest_cron
        minutes = settings.fetch_interval_minutes
        return f"*/{minutes} * * * *" if minutes < 60 else f"0 */{max(minutes // 60, 1)} * * *"


def load_worker_settings(**overrides: object) -> WorkerSettings:
    return WorkerSettings(**overrides)  # type: ignore[arg-type]
