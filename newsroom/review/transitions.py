"""Which review action may start from which draft state, and where it leads: checked here only."""

from __future__ import annotations

from newsroom.errors import TransitionError
from newsroom.models import DraftStatus
from newsroom.models.review import Action

S = DraftStatus

# action: (the states it may start from, the state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[DraftStatus], DraftStatus]] = {
    Action.APPROVE: (frozenset({S.IN_REVIEW}), S.APPROVED),
    Action.PUBLISH: (frozenset({S.APPROVED}), S.PUBLISHED),
    Action.REJECT: (frozenset({S.IN_REVIEW, S.CHANGES_REQUESTED}), S.REJECTED),
    Action.RESTORE: (frozenset({S.REJECTED}), S.IN_REVIEW),
    # Changing an approved or published piece withdraws the approval until it is given again.
    Action.CHANGES: (frozenset({S.IN_REVIEW, S.APPROVED, S.PUBLISHED}), S.CHANGES_REQUESTED),
    Action.REVISED: (frozenset({S.CHANGES_REQUESTED}), S.IN_REVIEW),
    Action.RETRACT: (frozenset({S.PUBLISHED}), S.RETRACTED),
}


def next_status(action: Action, current: DraftStatus) -> DraftStatus:
    """The state `action` leads to from `current`, or TransitionError saying why not."""
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        starts = ", ".join(sorted(s.value for s in allowed))
        raise TransitionError(
            f"cannot {action.value} a draft that is {current.value} (only from: {starts})"
        )
    return target


def allowed_actions(current: DraftStatus) -> list[Action]:
    """What an editor may do next, for menus and buttons (system actions left out)."""
    return [
        action
        for action, (allowed, _) in TRANSITIONS.items()
        if current in allowed and action not in (Action.PUBLISH, Action.REVISED)
    ]
