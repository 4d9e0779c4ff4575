"""Persona files (personas/ID.md): YAML front matter validated by pydantic, Markdown body."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import frontmatter
import yaml
from pydantic import ValidationError

from newsroom.errors import ConfigError
from newsroom.models.desk import Persona, Role
from newsroom.resources import data_dirs, find_data_file
from newsroom.topics import describe_validation_error

DESK_ROLES: tuple[str, ...] = get_args(Role)


def read_persona_file(path: Path) -> Persona:
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{path}: the front matter is not valid YAML: {exc}") from exc
    if not post.metadata:
        raise ConfigError(f"{path}: no YAML front matter (start the file with a --- block)")
    try:
        persona = Persona.model_validate({**post.metadata, "instructions": post.content.strip()})
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe_validation_error(exc)}") from exc
    if persona.id != path.stem:
        raise ConfigError(f"{path}: id: {persona.id!r} must match the file name {path.stem!r}")
    return persona


def load_persona(persona_id: str) -> Persona:
    path = find_data_file("personas", f"{persona_id}.md")
    if path is None:
        known = ", ".join(list_persona_ids()) or "none"
        raise ConfigError(f"no persona file personas/{persona_id}.md (known: {known})")
    return read_persona_file(path)


def list_persona_ids() -> list[str]:
    ids: set[str] = set()
    for directory in data_dirs("personas"):
        ids.update(p.stem for p in directory.glob("*.md") if p.stem.upper() != "README")
    return sorted(ids)


def desk_personas(analyst_id: str) -> dict[str, Persona]:
    """The nine personas of a desk: each role's own file, and the topic's analyst."""
    personas = {
        role: load_persona(analyst_id if role == "analyst" else role) for role in DESK_ROLES
    }
    for role, persona in personas.items():
        if persona.role != role:
            raise ConfigError(
                f"personas/{persona.id}.md: role: is {persona.role!r}, but it is used as {role!r}"
            )
    return personas
