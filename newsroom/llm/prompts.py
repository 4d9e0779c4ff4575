"""Prompt templates (prompts/TASK.md.j2, Jinja2): rendering, the untrusted-data fence, hashes."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import jinja2
from pydantic import BaseModel

from newsroom.errors import ConfigError
from newsroom.models.desk import Persona
from newsroom.models.llm import RenderedPrompt
from newsroom.resources import data_dirs

_FENCE = "untrusted-source"
# Text that would close or open the fence is defused so a source cannot step outside it.
_FENCE_TAG = re.compile(rf"<\s*/?\s*{_FENCE}", re.IGNORECASE)
# Templates a template pulls in, so their edits change its hash too.
_REFERENCES = re.compile(r"{%-?\s*(?:include|extends|import|from)\s+[\"']([^\"']+)")


def untrusted(text: str | None, **attributes: object) -> str:
    """Wrap feed-derived text in the delimited block every prompt treats as data only."""
    attrs = "".join(
        f' {name}="{_attribute(value)}"' for name, value in attributes.items() if value is not None
    )
    body = _FENCE_TAG.sub(lambda m: m.group(0).replace("<", "‹"), text or "")
    return f"<{_FENCE}{attrs}>\n{body}\n</{_FENCE}>"


def _attribute(value: object) -> str:
    return str(value).replace('"', "'").replace("<", "‹").replace(">", "›").replace("\n", " ")


@lru_cache(maxsize=8)
def _environment(search_path: tuple[Path, ...]) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # prompts are plain text; feed text is fenced by `untrusted`
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["untrusted"] = untrusted
    return environment


def render_prompt(task: str, persona: Persona, inputs: BaseModel) -> RenderedPrompt:
    """Render prompts/TASK.md.j2's `system` and `user` blocks for one call."""
    name = f"{task}.md.j2"
    environment = _environment(tuple(data_dirs("prompts")))
    try:
        template = environment.get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"no prompt template prompts/{name} for task {task!r}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"prompts/{name}:{exc.lineno}: {exc.message}") from exc
    missing = {"system", "user"} - set(template.blocks)
    if missing:
        raise ConfigError(f"prompts/{name}: needs {{% block {sorted(missing)[0]} %}}")
    context = template.new_context({"persona": persona, "inputs": inputs})
    try:
        system = "".join(template.blocks["system"](context)).strip()
        user = "".join(template.blocks["user"](context)).strip()
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"prompts/{name}: {exc.message}") from exc
    except jinja2.TemplateSyntaxError as exc:  # in an included template, loaded at render time
        raise ConfigError(f"prompts/{exc.name or name}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"prompts/{name}: includes prompts/{exc.name}, which is missing") from exc
    return RenderedPrompt(
        task=task, system=system, user=user, template_hash=template_hash(template)
    )


def template_hash(template: jinja2.Template) -> str:
    """sha256 of the template's source and the sources of what it includes or extends."""
    environment = template.environment
    digest = hashlib.sha256()
    pending = [template.name]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name is None or name in seen:
            continue
        seen.add(name)
        source, _, _ = environment.loader.get_source(environment, name)  # type: ignore[union-attr]
        digest.update(source.encode("utf-8"))
        pending.extend(_REFERENCES.findall(source))
    return digest.hexdigest()
