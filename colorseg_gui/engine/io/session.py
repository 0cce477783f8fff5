"""Session files (.colorseg): what a user did to an image, to be replayed exactly later.

A session is JSON: the image's path and SHA-256, every setting the result depends on (the
recipe's settings), the edits made during runs with the iteration each was applied at, and
the history of runs (options, cluster ids, palettes and J; never pixels).  The recipe of a
run (the window's gui/run/replay.py) holds its edit log.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from colorseg_gui.engine.io.writers import atomic_write

SESSION_FORMAT = "colorseg-session"
SESSION_VERSION = 1
SESSION_SUFFIX = ".colorseg"
_MAX_BYTES = 64 << 20  # a session holds no pixels: anything bigger is not one


class SessionError(Exception):
    """A session that cannot be opened; ``str()`` is one plain line naming the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path.name}: {reason}")


@dataclass(frozen=True)
class SessionRun:
    """One run of the history: how it was made and what it gave."""

    settings: dict[str, Any]  # the recipe's settings of this run
    palette: list[str]  # hex, in cluster order
    ids: list[int] = field(default_factory=list)  # stable cluster ids, same order
    inertia: float = 0.0
    # How the window made it: the first run's options and the edits since, each with the
    # iteration it was applied at ({"op": "merge", "ids": [3, 5], "at": 7}); None: the
    # settings alone make it (a fresh run).
    recipe: dict[str, Any] | None = None


@dataclass(frozen=True)
class Session:
    image_path: str  # as the user opened it (absolute)
    image_sha256: str
    runs: list[SessionRun]  # oldest first; the last one is what replays
    current: int = -1  # the run on screen when saved (an index into runs)
    app_version: str = ""

    @property
    def run(self) -> SessionRun:
        return self.runs[self.current]


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def session_document(session: Session) -> dict[str, Any]:
    return {
        "format": SESSION_FORMAT,
        "version": SESSION_VERSION,
        "colorseg": session.app_version,
        "image": {"path": session.image_path, "sha256": session.image_sha256},
        "current": session.current % len(session.runs) if session.runs else 0,
        "runs": [{"settings": run.settings, "palette": run.palette, "ids": run.ids,
                  "inertia": run.inertia, "recipe": run.recipe} for run in session.runs],
    }


def write_session(path: str | os.PathLike[str], session: Session) -> Path:
    """Write atomically (a failure leaves any older file as it was)."""
    if not session.runs:
        raise ValueError("a session needs at least one run")
    text = json.dumps(session_document(session), indent=1).encode()

    def write(fh: IO[bytes]) -> None:
        fh.write(text)

    return atomic_write(path, write)


def _need(value: Any, kind: type | tuple[type, ...], path: Path, what: str) -> Any:
    if not isinstance(value, kind):
        raise SessionError(path, f"it is damaged ({what} is missing or wrong)")
    return value


def read_session(path: str | os.PathLike[str]) -> Session:
    source = Path(path)
    try:
        size = source.stat().st_size
        if size > _MAX_BYTES:
            raise SessionError(source, "not a ColorSeg session (far too large)")
        raw = source.read_bytes()
    except FileNotFoundError:
        raise SessionError(source, "no such file") from None
    except OSError as exc:
        raise SessionError(source, f"cannot read it ({exc.strerror or exc})") from None
    try:
        document = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SessionError(source, "not a ColorSeg session (it is not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != SESSION_FORMAT:
        raise SessionError(source, "not a ColorSeg session")
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise SessionError(source, "it is damaged (no session version)")
    if version > SESSION_VERSION:
        raise SessionError(source, f"made by a newer ColorSeg ({document.get('colorseg', '?')})"
                                   f"; update ColorSeg to open it")
    image = _need(document.get("image"), dict, source, "the image")
    runs = []
    for entry in _need(document.get("runs"), list, source, "the runs"):
        entry = _need(entry, dict, source, "a run")
        runs.append(SessionRun(
            settings=_need(entry.get("settings"), dict, source, "a run's settings"),
            palette=[str(h) for h in _need(entry.get("palette", []), list, source, "a palette")],
            ids=[int(i) for i in _need(entry.get("ids", []), list, source, "the cluster ids")],
            inertia=float(_need(entry.get("inertia", 0.0), (int, float), source, "J")),
            recipe=None if entry.get("recipe") is None
            else dict(_need(entry["recipe"], dict, source, "a run's recipe")),
        ))
    if not runs:
        raise SessionError(source, "it is damaged (it holds no run)")
    current = _need(document.get("current", len(runs) - 1), int, source, "the current run")
    if not -len(runs) <= current < len(runs):
        raise SessionError(source, "it is damaged (the current run is out of range)")
    return Session(
        image_path=str(_need(image.get("path"), str, source, "the image's path")),
        image_sha256=str(_need(image.get("sha256"), str, source, "the image's checksum")),
        runs=runs,
        current=current,
        app_version=str(document.get("colorseg", "")),
    )


def image_problem(session: Session, image: str | os.PathLike[str] | None = None) -> str | None:
    """Why the session's image (or ``image``, a replacement the user located) cannot be
    used as it is: missing, or different from the one the session was made on."""
    path = Path(image if image is not None else session.image_path)
    if not path.is_file():
        return f"the image {path.name} is missing (it was at {path.parent})"
    try:
        digest = file_sha256(path)
    except OSError as exc:
        return f"cannot read the image {path.name} ({exc.strerror or exc})"
    if digest != session.image_sha256:
        return f"the image {path.name} has changed since the session was saved"
    return None
