"""Structured output: the JSON schema a server is asked for, and reading the answer back."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)

# What OpenAI's strict mode accepts; anything else is left to pydantic's validation
# (and the repair round) rather than sent and refused with a 400.
_STRICT_KEYWORDS = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "$ref",
    "$defs",
    "enum",
    "const",
    "description",
    "title",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
}
_STRICT_FORMATS = {
    *("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid")
}
_FENCED = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n?```\s*$", re.DOTALL)


class NotStrict(Exception):
    """The schema uses something strict mode cannot express (a free-form dict, allOf...)."""


@lru_cache(maxsize=128)
def _schemas(output: type[BaseModel]) -> tuple[str, str | None]:
    plain = output.model_json_schema()
    try:
        strict: str | None = json.dumps(_strict(plain))
    except NotStrict:
        strict = None
    return json.dumps(plain), strict


def output_schema(output: type[BaseModel]) -> dict[str, Any]:
    """The output model's JSON schema as pydantic writes it (a fresh copy)."""
    return json.loads(_schemas(output)[0])  # type: ignore[no-any-return]


def json_schema_format(output: type[BaseModel]) -> dict[str, Any]:
    """`response_format` for json_schema output: strict when the schema allows it."""
    plain, strict = _schemas(output)
    return {
        "type": "json_schema",
        "json_schema": {
            "name": re.sub(r"[^A-Za-z0-9_-]", "_", output.__name__)[:64],
            "schema": json.loads(strict or plain),
            "strict": strict is not None,
        },
    }


def json_mode_instruction(output: type[BaseModel]) -> str:
    """What json_mode adds to the system message, since the server does not see the schema."""
    return (
        "Answer with a single JSON object, and nothing else, that matches this JSON Schema:\n"
        + _schemas(output)[0]
    )


def parse_answer(output: type[T], content: str | None) -> T:
    """Validate the model's answer; a Markdown code fence around the JSON is tolerated."""
    text = content or ""
    fenced = _FENCED.match(text)
    return output.model_validate_json(fenced.group(1) if fenced else text)


def describe(error: ValidationError, limit: int = 5) -> str:
    """A validation error on one line: where and what, for the repair prompt and LLMError."""
    problems = []
    for item in error.errors()[:limit]:
        where = ".".join(str(part) for part in item["loc"]) or "the answer"
        problems.append(f"{where}: {item['msg']}")
    more = error.error_count() - limit
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


def _strict(schema: Any) -> Any:
    """A copy of `schema` in strict mode's subset: every property required, no extras."""
    if isinstance(schema, list):
        return [_strict(entry) for entry in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return {"$ref": schema["$ref"]}  # strict mode wants a reference without siblings
    if "allOf" in schema or "oneOf" in schema or "patternProperties" in schema:
        raise NotStrict
    extra = schema.get("additionalProperties")
    if extra not in (None, False):
        raise NotStrict  # a dict[str, X]: strict mode needs every key named
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in _STRICT_KEYWORDS:
            continue
        if key == "format" and value not in _STRICT_FORMATS:
            continue
        if key in ("properties", "$defs"):
            result[key] = {name: _strict(sub) for name, sub in value.items()}
        else:
            result[key] = _strict(value)
    if result.get("type") == "object" or "properties" in result:
        # Optional fields stay optional by being nullable in pydantic's schema; strict
        # mode wants every property listed as required.
        result["additionalProperties"] = False
        result["required"] = list(result.get("properties", {}))
    return result
