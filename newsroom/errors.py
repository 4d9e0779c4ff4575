"""The errors newsroom raises on purpose; each carries the exit code the CLI uses for it."""


class NewsroomError(Exception):
    """An error a user can cause and fix; the CLI prints its message, no traceback."""

    exit_code = 1


class ConfigError(NewsroomError):
    """A setting, topic, persona or prompt file is missing or invalid."""


class TopicNotFound(ConfigError):
    """No topic file by that name or path."""


class FeedError(NewsroomError):
    """Fetching or parsing one feed failed; recorded on the feed, never fatal to a run."""


class BlockedAddress(FeedError):
    """A URL resolves to a loopback or private address and those are not allowed."""


class BodyTooLarge(FeedError):
    """A response body went past the configured cap."""


class LockHeld(NewsroomError):
    """Another run holds the lock for this job."""

    exit_code = 0


class LLMError(NewsroomError):
    """A model call failed after its retries, or its answer never validated."""


class BudgetExceeded(NewsroomError):
    """The run's cost budget is spent; no new model calls are made."""


class TransitionError(NewsroomError):
    """A review action is not allowed from the draft's current state."""


class ConflictError(NewsroomError):
    """Someone else changed the draft since it was read; nothing was written."""

    exit_code = 3
