"""Session files: written atomically, read back exactly, refused in plain words."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from colorseg_gui.batch import Options, options_from_settings, recipe_settings
from colorseg_gui.engine import (
    CleanupOptions,
    KMeansOptions,
    MakeOptions,
    OwnedColours,
    Session,
    SessionError,
    SessionRun,
    file_sha256,
    image_problem,
    read_session,
    write_session,
)


def _settings() -> dict:
    kmeans = KMeansOptions(k=3, space="oklab", seed=7,
                           init=((192, 57, 43), (255, 255, 255), (10, 20, 30)), locked=(0, 1))
    owned = OwnedColours(np.array([[1, 2, 3], [200, 100, 50]], np.uint8), ("ink", "rust"),
                         "pick", "oklab")
    make = MakeOptions(cleanup=CleanupOptions(min_area=12, min_thickness=2, connectivity=8,
                                              protect_delta_e=9.0),
                       dither="bayer", dither_strength=0.5)
    return recipe_settings(Options(kmeans=kmeans, make=make, owned=owned, merge_delta_e=2.5,
                                   merge_share=0.01, order="hue"))


def _session(tmp_path: Path) -> tuple[Session, Path]:
    image = tmp_path / "photo.png"
    image.write_bytes(b"not really an image, but bytes to hash")
    runs = [SessionRun(_settings(), ["#c02b2b", "#ffffff", "#0a141e"], [4, 9, 2], 1234.5,
                       {"version": 1, "edits": [{"op": "lock", "ids": [4], "at": 3}]}),
            SessionRun(_settings(), ["#000000"], [1], 0.0)]
    return Session(str(image), file_sha256(image), runs, current=0, app_version="9.9"), image


def test_a_session_reads_back_as_written_and_its_settings_rebuild_the_options(tmp_path):
    session, _ = _session(tmp_path)
    path = write_session(tmp_path / "work.colorseg", session)
    again = read_session(path)
    assert again == session
    options = options_from_settings(again.run.settings)
    assert options.kmeans.locked == (0, 1) and options.kmeans.init[0] == (192.0, 57.0, 43.0)
    assert options.make.cleanup.connectivity == 8 and options.make.dither == "bayer"
    assert options.owned is not None and options.owned.names == ("ink", "rust")
    np.testing.assert_array_equal(options.owned.colors, [[1, 2, 3], [200, 100, 50]])
    assert recipe_settings(options) == again.run.settings
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_the_image_check_tells_missing_from_changed(tmp_path):
    session, image = _session(tmp_path)
    assert image_problem(session) is None
    image.write_bytes(b"edited")
    assert image_problem(session) == "the image photo.png has changed since the session was saved"
    moved = tmp_path / "elsewhere.png"
    image.rename(moved)
    assert image_problem(session) == (f"the image photo.png is missing (it was at {tmp_path})")
    moved.write_bytes(b"not really an image, but bytes to hash")
    assert image_problem(session, moved) is None  # the user located it


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n", "not a ColorSeg session (it is not JSON)"),
        (b'{"format": "something-else"}', "not a ColorSeg session"),
        (b'{"format": "colorseg-session", "version": 7, "colorseg": "3.0"}',
         "made by a newer ColorSeg (3.0); update ColorSeg to open it"),
        (b'{"format": "colorseg-session", "version": 1, "image": {"path": "a", "sha256": "b"},'
         b' "runs": []}', "it is damaged (it holds no run)"),
        (b'{"format": "colorseg-session", "version": 1, "image": {"path": "a", "sha256": "b"},'
         b' "runs": [{"palette": []}]}', "it is damaged (a run's settings is missing or wrong)"),
    ],
)
def test_what_is_not_a_session_is_refused_in_one_line_naming_the_file(tmp_path, content, words):
    path = tmp_path / "bad.colorseg"
    path.write_bytes(content)
    with pytest.raises(SessionError) as caught:
        read_session(path)
    assert str(caught.value) == f"bad.colorseg: {words}"


def test_a_missing_session_file_is_named(tmp_path):
    with pytest.raises(SessionError, match=r"^gone.colorseg: no such file$"):
        read_session(tmp_path / "gone.colorseg")


def test_a_session_that_cannot_be_written_leaves_the_older_file(tmp_path):
    session, _ = _session(tmp_path)
    path = write_session(tmp_path / "work.colorseg", session)
    before = path.read_bytes()
    broken = Session(session.image_path, session.image_sha256,
                     [SessionRun({"k": object()}, [])])
    with pytest.raises(TypeError):
        write_session(path, broken)
    assert path.read_bytes() == before
    assert json.loads(before)["format"] == "colorseg-session"
