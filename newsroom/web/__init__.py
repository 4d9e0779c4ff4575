"""The editors' web page: the queue, drafts and their decisions, feeds and runs."""

from newsroom.web.app import create_app

__all__ = ["create_app"]
