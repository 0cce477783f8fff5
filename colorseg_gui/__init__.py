"""ColorSeg: segment an image by k-means colour clustering."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("colorseg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
