"""A unified diff laid out for the page, with the changed words marked inside changed lines.

A draft's Markdown has one paragraph per line, so a revised paragraph is one long
removed line and one long added line: marking the words that differ is what makes the
change readable.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal, NamedTuple

Kind = Literal["file", "hunk", "same", "removed", "added"]
_WORDS = re.compile(r"\s+|[^\s]+")
SIMILAR = 0.5  # below this share of words in common, a line counts as rewritten


class Segment(NamedTuple):
    text: str
    changed: bool


class DiffLine(NamedTuple):
    kind: Kind
    segments: list[Segment]


def diff_lines(unified: str) -> list[DiffLine]:
    lines = unified.splitlines()
    out: list[DiffLine] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i < 2 and line.startswith(("---", "+++")):  # the header, not a line starting "--"
            out.append(DiffLine("file", [Segment(line, False)]))
        elif line.startswith("@@"):
            out.append(DiffLine("hunk", [Segment(line, False)]))
        elif line.startswith("-"):
            removed = _run(lines, i, "-")
            added = _run(lines, i + len(removed), "+")
            out.extend(_paired(removed, added))
            i += len(removed) + len(added)
            continue
        elif line.startswith("+"):
            out.append(DiffLine("added", [Segment(line[1:], True)]))
        else:
            out.append(DiffLine("same", [Segment(line[1:], False)]))
        i += 1
    return out


def _run(lines: list[str], start: int, sign: str) -> list[str]:
    run: list[str] = []
    while start + len(run) < len(lines):
        line = lines[start + len(run)]
        if not line.startswith(sign):
            break
        run.append(line[1:])
    return run


def _paired(removed: list[str], added: list[str]) -> list[DiffLine]:
    """Removed lines, then added ones; lines that pair up get their changed words marked."""
    pairs = min(len(removed), len(added))
    old_rows, new_rows = [], []
    for n in range(pairs):
        old, new = _word_diff(removed[n], added[n])
        old_rows.append(DiffLine("removed", old))
        new_rows.append(DiffLine("added", new))
    old_rows += [DiffLine("removed", [Segment(line, True)]) for line in removed[pairs:]]
    new_rows += [DiffLine("added", [Segment(line, True)]) for line in added[pairs:]]
    return old_rows + new_rows


def _word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < SIMILAR:
        # A rewritten paragraph matches only on "the" and "of": marking those is noise.
        return [Segment(old, True)], [Segment(new, True)]
    old_segments: list[Segment] = []
    new_segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            old_segments.append(Segment("".join(a[i1:i2]), not same))
        if j2 > j1:
            new_segments.append(Segment("".join(b[j1:j2]), not same))
    return _joined(old_segments), _joined(new_segments)


def _joined(segments: list[Segment]) -> list[Segment]:
    """One mark over "two changed words" rather than one per word, the space left out."""
    out: list[Segment] = []
    for n, segment in enumerate(segments):
        between_changes = (
            not segment.changed
            and segment.text.isspace()
            and 0 < n < len(segments) - 1
            and segments[n - 1].changed
            and segments[n + 1].changed
        )
        changed = segment.changed or between_changes
        if out and out[-1].changed == changed:
            out[-1] = Segment(out[-1].text + segment.text, changed)
        else:
            out.append(Segment(segment.text, changed))
    return out
