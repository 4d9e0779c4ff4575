"""Topic files (sources/NAME.yaml): loading, listing and editing their feed lists."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from newsroom.errors import ConfigError, TopicNotFound
from newsroom.models import FeedSpec, Topic
from newsroom.resources import data_dirs, find_data_file, writable_dir


def topic_path(name_or_path: str) -> Path:
    """A topic's file: a path as given, else sources/NAME.yaml in override order."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or len(candidate.parts) > 1:
        if candidate.is_file():
            return candidate
        raise TopicNotFound(f"no topic file at {name_or_path}")
    found = find_data_file("sources", f"{name_or_path}.yaml")
    if found is None:
        known = ", ".join(list_topic_names()) or "none"
        raise TopicNotFound(f"no topic named {name_or_path!r} (known topics: {known})")
    return found


def load_topic(name_or_path: str) -> Topic:
    return read_topic_file(topic_path(name_or_path))


def read_topic_file(path: Path) -> Topic:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a topic file must be a mapping with name, title, feeds...")
    try:
        return Topic.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe_validation_error(exc)}") from exc


def describe_validation_error(exc: ValidationError) -> str:
    """One line per bad field, naming the field's path: 'feeds.3.url: Input should be ...'."""
    return "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or '(file)'}: {error['msg']}"
        for error in exc.errors()
    )


def list_topic_names() -> list[str]:
    names: set[str] = set()
    for directory in data_dirs("sources"):
        names.update(path.stem for path in directory.glob("*.yaml"))
    return sorted(names)


def list_topics() -> list[Topic]:
    return [load_topic(name) for name in list_topic_names()]


def save_topic(topic: Topic) -> Path:
    """Write a topic to ./sources/NAME.yaml, which from then on overrides the shipped file."""
    path = writable_dir("sources") / f"{topic.name}.yaml"
    data = topic.model_dump(exclude_none=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def add_feed(topic: Topic, spec: FeedSpec) -> Topic:
    if any(feed.url == spec.url for feed in topic.feeds):
        raise ConfigError(f"{spec.url} is already a feed of topic {topic.name!r}")
    return topic.model_copy(update={"feeds": [*topic.feeds, spec]})


def remove_feed(topic: Topic, url: str) -> Topic:
    remaining = [feed for feed in topic.feeds if feed.url != url]
    if len(remaining) == len(topic.feeds):
        raise ConfigError(f"{url} is not a feed of topic {topic.name!r}")
    return topic.model_copy(update={"feeds": remaining})
