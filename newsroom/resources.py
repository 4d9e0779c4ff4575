"""Where the editable data folders (personas/, prompts/, sources/) are read from.

A folder of that name in the working directory wins; then the copy shipped inside
the wheel; then the source checkout's top-level folder (editable installs).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_FOLDERS = ("personas", "prompts", "sources")


def data_dirs(name: str) -> list[Path]:
    """Every existing folder for `name`, the overriding one first."""
    if name not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {name!r}")
    candidates = [Path.cwd() / name, PACKAGE_DIR / "_data" / name, PACKAGE_DIR.parent / name]
    seen: list[Path] = []
    for candidate in candidates:
        if candidate.is_dir() and all(not candidate.samefile(s) for s in seen):
            seen.append(candidate)
    return seen


def find_data_file(folder: str, relative: str) -> Path | None:
    """The first `folder/relative` in override order, or None."""
    for directory in data_dirs(folder):
        path = directory / relative
        if path.is_file():
            return path
    return None


def writable_dir(name: str) -> Path:
    """Edits always go to the working directory's folder, which then overrides the shipped one."""
    path = Path.cwd() / name
    path.mkdir(parents=True, exist_ok=True)
    return path
