"""The store's tests, run unchanged against PostgreSQL: ingestion and the review queue.

Each test below is the SQLite suite's own function, imported; tests/pg/conftest.py points
NEWSROOM_DATABASE_URL at a fresh PostgreSQL database for it.
"""

from __future__ import annotations

import pytest
from pg_fixtures import *  # noqa: F403
from test_ingest_http import (  # noqa: F401
    test_feed_is_disabled_after_repeated_failures,
    test_feeds_not_yet_due_are_skipped,
    test_full_text_is_fetched_for_new_items_only,
    test_items_without_guid_are_keyed_by_link_then_title_and_date,
    test_malformed_feed_keeps_what_parses_and_records_the_problem,
    test_new_items_are_stored,
    test_permanent_redirect_updates_the_stored_url,
    test_retry_after_on_429_sets_the_next_check,
    test_second_ingest_sends_etag_and_stores_nothing,
    test_server_error_is_recorded_with_backoff_and_other_feeds_go_on,
    test_updated_entry_is_detected_and_stored_once,
)
from test_review_queue import (  # noqa: F401
    demo_draft,
    queued,
    test_a_stale_read_is_a_conflict_and_writes_nothing,
    test_approve_publishes_and_records_both_steps,
    test_approving_closes_the_story_thread,
    test_changes_after_approval_withdraw_the_approval,
    test_changes_resume_the_thread_and_produce_version_two,
    test_every_action_is_allowed_exactly_from_its_listed_states,
    test_retract_takes_it_out_of_the_feed_and_keeps_the_reason,
    test_the_same_decision_applied_twice_revises_once,
    test_two_concurrent_approvals_one_wins_the_other_conflicts,
)

pytestmark = pytest.mark.postgres
