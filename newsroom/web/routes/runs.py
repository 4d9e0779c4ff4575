"""Runs: what each desk run drafted and what its model calls cost, per run and per agent."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newsroom.store.costs import agent_costs, run_calls, run_costs, total_spend
from newsroom.store.desk import get_run
from newsroom.web import deps
from newsroom.web.render import page

CALLS_SHOWN = 500


def runs(request: Request) -> Response:
    return page(request, "runs.html", runs=run_costs(deps.store(request)))


def run(request: Request) -> Response:
    store = deps.store(request)
    record = get_run(store, request.path_params["run_id"])
    if record is None:
        raise HTTPException(404, "no such run")
    agents = agent_costs(store, record.id)
    return page(
        request,
        "run.html",
        run=record,
        agents=agents,
        calls=run_calls(store, record.id, limit=CALLS_SHOWN),
        shown=CALLS_SHOWN,
        total=total_spend(a.spend for a in agents),
    )


routes = [
    Route("/runs", runs, methods=["GET"]),
    Route("/runs/{run_id}", run, methods=["GET"]),
]
