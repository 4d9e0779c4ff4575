"""The diff as the page lays it out: changed words marked inside changed lines."""

from __future__ import annotations

from newsroom.web.diffview import DiffLine, Segment, diff_lines

UNIFIED = """--- d v1
+++ d v2
@@ -1,3 +1,3 @@
 # Headline
-Three people died in the strike [1].
--- a line of Markdown that starts with dashes
+Four people died in the strike [1].
+An added paragraph.
"""


def test_paired_lines_mark_only_the_words_that_changed():
    lines = diff_lines(UNIFIED)

    assert [line.kind for line in lines] == [
        "file",
        "file",
        "hunk",
        "same",
        "removed",
        "removed",
        "added",
        "added",
    ]
    assert lines[4] == DiffLine(
        "removed", [Segment("Three", True), Segment(" people died in the strike [1].", False)]
    )
    assert lines[6] == DiffLine(
        "added", [Segment("Four", True), Segment(" people died in the strike [1].", False)]
    )
    assert "".join(s.text for s in lines[5].segments) == (
        "-- a line of Markdown that starts with dashes"
    )


def test_an_empty_diff_has_no_lines():
    assert diff_lines("") == []


def test_neighbouring_changed_words_share_one_mark():
    (_, _, _, old, new) = diff_lines(
        "--- a\n+++ b\n@@ -1 +1 @@\n-Kyiv said three people died on Monday.\n"
        "+Kyiv said that four people died on Monday.\n"
    )

    assert old.segments == [
        Segment("Kyiv said ", False),
        Segment("three", True),
        Segment(" people died on Monday.", False),
    ]
    assert new.segments[1] == Segment("that four", True)


def test_a_rewritten_line_is_marked_whole_not_word_by_word():
    (_, _, _, old, new) = diff_lines(
        "--- a\n+++ b\n@@ -1 +1 @@\n-The talks in Geneva ended after six hours.\n"
        "+A drone hit the port of Pivdennyi at dawn.\n"
    )

    assert old.segments == [Segment("The talks in Geneva ended after six hours.", True)]
    assert new.segments == [Segment("A drone hit the port of Pivdennyi at dawn.", True)]
