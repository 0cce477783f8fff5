"""What surrounds every decode: Pillow's bomb guard at our limit, and library chatter to the log.

Pillow checks the size of the images that containers embed (ICNS and ICO entries, TIFF
tiles, MPO frames, GIF frames) only while its process-wide ``MAX_IMAGE_PIXELS`` is set: with
it off, a 240 KB ICNS whose JPEG 2000 entry declares 260 gigapixels is decoded for real. So
the guard stays on, set for the duration of a decode so that it refuses what our own limit
refuses. libtiff and other C decoders print to the process's stderr (file descriptor 2)
directly; Pillow's Python plugins emit warnings. Both go to the log instead, so that a
failed file is reported in our one line only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator

from PIL import Image

log = logging.getLogger(__name__)

# Pillow's limit, its warnings filter and file descriptor 2 are process-wide: decodes in
# one process take turns (the window loads one file at a time; batch jobs are processes).
_LOCK = threading.RLock()
_MAX_CHATTER = 64 << 10


def pillow_limit(max_pixels: int | None) -> int | None:
    """The MAX_IMAGE_PIXELS under which Pillow raises above ``max_pixels`` (it errs at 2x)."""
    if max_pixels is None:
        return None
    return max(1, max_pixels // 2)


@contextlib.contextmanager
def _native_stderr_to_log(name: str) -> Iterator[None]:
    """Point file descriptor 2 at a temporary file while decoding, then log what it got."""
    with contextlib.suppress(AttributeError, OSError, ValueError):  # a windowed build has none
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 at all (windowed build): nothing can reach a terminal
        yield
        return
    with contextlib.ExitStack() as stack:
        try:
            sink = stack.enter_context(tempfile.TemporaryFile())
        except OSError:
            os.close(saved)
            yield
            return
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            said = sink.read(_MAX_CHATTER).decode("utf-8", "replace")
            for line in said.splitlines():
                if line.strip():
                    log.info("decoder output for %s: %s", name, line.strip())


@contextlib.contextmanager
def guarded_decode(name: str, max_pixels: int | None) -> Iterator[None]:
    """Run a decode with Pillow's guard at ``max_pixels`` and its chatter sent to the log."""
    with _LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = pillow_limit(max_pixels)
        try:
            with _native_stderr_to_log(name):
                yield
        finally:  # descriptor 2 is back by now: a console log handler reaches the terminal
            Image.MAX_IMAGE_PIXELS = previous
            for warning in caught:
                log.info("decoder warning for %s: %s: %s", name,
                         warning.category.__name__, warning.message)
