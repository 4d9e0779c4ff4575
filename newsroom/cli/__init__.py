"""The `newsroom` command: thin commands over the library; errors become one line and an exit code.

Exit codes: 0 success (also when another run of the same job holds the lock);
1 an error you can fix (unknown topic, bad file or setting, unreachable database);
2 a usage error (unknown option, missing argument); 130 interrupted.
"""

from __future__ import annotations

import sys

from newsroom.cli.app import app
from newsroom.errors import NewsroomError

# Importing the command modules registers their commands on `app`.
from newsroom.cli import admin, desk, evaluate, feeds, review, web, worker  # noqa: F401  isort: skip


def main() -> None:
    try:
        app(standalone_mode=True)
    except NewsroomError as exc:
        print(f"newsroom: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("newsroom: interrupted", file=sys.stderr)
        sys.exit(130)
