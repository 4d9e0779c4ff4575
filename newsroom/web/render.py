"""Rendering pages: one Jinja2 environment that escapes everything, and its filters.

Every string on these pages came from a feed, a model or an editor, so autoescaping is
on for every template whatever its name; the only markup not written in a template is
the article body, which review/html.py renders from Markdown with raw HTML switched off.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from newsroom.review.export import LANGUAGE_NAMES
from newsroom.review.html import as_utc, http_url, language_tag, utc_iso
from newsroom.web.auth import current_session
from newsroom.web.csrf import csrf_token


def _when(moment: datetime | None) -> str:
    return f"{as_utc(moment):%d %b %Y %H:%M} UTC" if moment else "never"


def _iso(moment: datetime) -> str:
    return utc_iso(moment)


def _usd(amount: float) -> str:
    return f"${amount:,.4f}"


def _label(value: str) -> str:
    return str(value).replace("_", " ")


def _language(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "unknown")


def _page_context(request: Request) -> dict[str, Any]:
    session = current_session(request)
    return {
        "session": session,
        "user": session.user if session else None,
        "csrf": csrf_token(request),
    }


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsroom.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=_when,
        iso=_iso,
        usd=_usd,
        label=_label,
        language=_language,
        http_url=http_url,
        language_tag=language_tag,
    )
    return env


templates = Jinja2Templates(env=_environment(), context_processors=[_page_context])


def page(request: Request, template: str, status_code: int = 200, /, **context: Any) -> Response:
    return templates.TemplateResponse(request, template, context, status_code=status_code)
