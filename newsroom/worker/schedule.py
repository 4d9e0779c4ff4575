"""The schedule that replaces cron in worker mode: what runs when, and when it last ran."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from croniter import croniter
from procrastinate import App
from pydantic import BaseModel
from sqlalchemy import Engine, column, func, select, table

from newsroom.config import Settings
from newsroom.topics import list_topics
from newsroom.worker.settings import WorkerSettings


class ScheduledTask(BaseModel):
    """One line of the schedule: a task, its arguments, and the cron line it follows."""

    id: str  # procrastinate's periodic_id: what `newsroom schedule` and status show
    task: str
    cron: str
    kwargs: dict[str, Any] = {}
    queueing_lock: str | None = None
    description: str

    def next_at(self, now: datetime | None = None) -> datetime:
        start = now or datetime.now(UTC)
        return croniter(self.cron, start).get_next(datetime)  # type: ignore[no-any-return]


class ScheduleRun(BaseModel):
    """The latest time a scheduled task was queued, and how that job went."""

    id: str
    task: str
    cron: str
    description: str
    next_at: datetime
    last_at: datetime | None = None
    last_status: str | None = None  # todo, doing, succeeded, failed, ...


def planned_schedule(settings: Settings, worker: WorkerSettings) -> list[ScheduledTask]:
    from newsroom.worker.tasks import CLEANUP, INGEST, RECOVER, RUN

    names = worker.topics or [topic.name for topic in list_topics()]
    plan: list[ScheduledTask] = []
    for name in names:
        plan.append(
            ScheduledTask(
                id=f"ingest:{name}",
                task=INGEST,
                cron=worker.ingest_schedule(settings),
                kwargs={"topic": name},
                queueing_lock=f"ingest:{name}",
                description=f"fetch the due feeds of {name}",
            )
        )
        if worker.run_cron:
            plan.append(
                ScheduledTask(
                    id=f"run:{name}",
                    task=RUN,
                    cron=worker.run_cron,
                    kwargs={"topic": name},
                    queueing_lock=f"run:{name}",
                    description=f"draft the top {worker.max_stories} stories of {name}",
                )
            )
    plan.append(
        ScheduledTask(
            id="recover",
            task=RECOVER,
            cron=worker.recover_cron,
            queueing_lock="recover",
            description="retry the tasks of silent workers; queue editors' decisions",
        )
    )
    plan.append(
        ScheduledTask(
            id="cleanup",
            task=CLEANUP,
            cron=worker.cleanup_cron,
            queueing_lock="cleanup",
            description=f"forget finished tasks older than {worker.keep_hours} h",
        )
    )
    return plan


def install_schedule(app: App, plan: list[ScheduledTask]) -> None:
    for entry in plan:
        app.periodic_registry.register_task(
            task=app.tasks[entry.task],
            cron=entry.cron,
            periodic_id=entry.id,
            configure_kwargs={
                "task_kwargs": dict(entry.kwargs),
                "queueing_lock": entry.queueing_lock,
            },
        )


_defers = table(
    "procrastinate_periodic_defers",
    column("task_name"),
    column("periodic_id"),
    column("defer_timestamp"),
    column("job_id"),
)
_jobs = table("procrastinate_jobs", column("id"), column("status"))


def schedule_runs(store: Engine, plan: list[ScheduledTask]) -> list[ScheduleRun]:
    """Each scheduled task with its next time and its latest run (from procrastinate's books)."""
    latest = (
        select(
            _defers.c.task_name,
            _defers.c.periodic_id,
            func.max(_defers.c.defer_timestamp).label("at"),
        )
        .group_by(_defers.c.task_name, _defers.c.periodic_id)
        .subquery()
    )
    query = select(
        latest.c.task_name, latest.c.periodic_id, latest.c.at, _jobs.c.status
    ).select_from(
        latest.join(
            _defers,
            (_defers.c.task_name == latest.c.task_name)
            & (_defers.c.periodic_id == latest.c.periodic_id)
            & (_defers.c.defer_timestamp == latest.c.at),
        ).outerjoin(_jobs, _jobs.c.id == _defers.c.job_id)
    )
    with store.connect() as connection:
        rows = {(r.task_name, r.periodic_id): r for r in connection.execute(query)}
    runs = []
    for entry in plan:
        row = rows.get((entry.task, entry.id))
        runs.append(
            ScheduleRun(
                id=entry.id,
                task=entry.task,
                cron=entry.cron,
                description=entry.description,
                next_at=entry.next_at(),
                last_at=datetime.fromtimestamp(row.at, UTC) if row else None,
                last_status=str(row.status) if row and row.status else None,
            )
        )
    return runs
