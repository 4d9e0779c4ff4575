"""The researcher's brief: numbered sources and related reports from the topic's archive."""

from __future__ import annotations

from datetime import UTC, datetime

from newsroom.agents.researcher import number_sources, related_reports
from newsroom.models import Candidate, Story


def candidate(item_id: int, title: str, text: str, hour: int = 8) -> Candidate:
    return Candidate(
        item_id=item_id,
        feed_id=1,
        outlet=f"Outlet {item_id}",
        title=title,
        text=text,
        published_at=datetime(2026, 11, 22, hour, tzinfo=UTC),
        language="en",
    )


GRID = candidate(
    1, "Drones hit Kyiv power grid", "Russia launched 480 drones at Kyiv's power grid."
)
GRID_EARLIER = candidate(
    2, "Kyiv grid repairs continue", "Engineers repaired the Kyiv power grid after drone strikes."
)
FOOTBALL = candidate(3, "Cup final tonight", "The football cup final kicks off at eight in Madrid.")


def test_related_reports_are_the_same_subject_and_never_the_storys_own():
    story = Story(id="s", topic="t", title=GRID.title, candidates=[GRID])

    related = related_reports(story, [GRID, GRID_EARLIER, FOOTBALL])

    assert [c.item_id for c in related] == [2]


def test_sources_are_numbered_oldest_first():
    late = candidate(5, "Later", "Later report.", hour=11)
    early = candidate(6, "Earlier", "Earlier report.", hour=6)

    sources = number_sources([late, early])

    assert [(s.n, s.item_id) for s in sources] == [(1, 6), (2, 5)]
