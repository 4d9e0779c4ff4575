"""newsroom: persona agents read news feeds and draft sourced articles for human editors."""

__version__ = "0.1.0"
