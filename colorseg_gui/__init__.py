"""ColorSeg: segment an image by k-means colour clustering."""

from __future__ import annotations

import functools


@functools.cache
def _version() -> str:
    # importlib.metadata pulls in the email package (~40 ms): only when a version is asked.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("colorseg")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
