"""The recipe inside every result: what made it, so that `colorseg --replay` remakes it.

PNG (results and indexed PNGs) keep it in an iTXt chunk, JPEG in its comment, WebP in an
XMP packet and TIFF in its ImageDescription; it is one JSON document (RECIPE_VERSION 1).
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from PIL import Image

RECIPE_KEY = "colorseg:recipe"
RECIPE_VERSION = 1
_XMP_NS = "https://colorseg.invalid/ns/recipe/1.0/"
_XMP_VALUE = re.compile(r'colorseg:recipe="([^"]*)"')


class RecipeError(Exception):
    """A file with no usable recipe; ``str()`` is one line naming the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"{path.name}: {reason}")


def recipe_text(settings: dict[str, Any], palette: list[dict[str, Any]], version: str) -> str:
    """The JSON recipe: ``settings`` (every option the run and its outputs depend on) and
    the palette it gave (hex and names), for a person reading it as much as for --replay."""
    document = {"colorseg": version, "recipe": RECIPE_VERSION, "settings": settings,
                "palette": palette}
    return json.dumps(document, separators=(",", ":"))


def xmp_packet(recipe: str) -> bytes:
    """A minimal XMP packet carrying the recipe (WebP has no text chunk of its own)."""
    value = html.escape(recipe, quote=True)
    return (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            f'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            f'xmlns:colorseg="{_XMP_NS}" colorseg:recipe="{value}"/></rdf:RDF>'
            f"</x:xmpmeta>").encode()


def _found_text(image: Image.Image) -> str | None:
    text = getattr(image, "text", None) or {}
    if RECIPE_KEY in text:
        return str(text[RECIPE_KEY])
    comment = image.info.get("comment")
    if isinstance(comment, bytes) and comment.startswith(b'{"colorseg"'):
        return comment.decode("utf-8", "replace")
    xmp = image.info.get("xmp")
    if isinstance(xmp, bytes | str):
        found = _XMP_VALUE.search(xmp.decode("utf-8", "replace") if isinstance(xmp, bytes)
                                  else xmp)
        if found:
            return html.unescape(found[1])
    description = image.getexif().get(270) if hasattr(image, "getexif") else None
    if isinstance(description, str) and description.startswith('{"colorseg"'):
        return description
    return None


def read_recipe(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The recipe a ColorSeg result carries; RecipeError when it has none or another kind."""
    source = Path(path)
    try:
        with Image.open(source) as image:
            text = _found_text(image)
    except (OSError, SyntaxError, ValueError) as exc:
        raise RecipeError(source, f"cannot read it ({exc})") from None
    if text is None:
        raise RecipeError(source, "holds no ColorSeg recipe (was it made by ColorSeg?)")
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise RecipeError(source, "its ColorSeg recipe is damaged") from None
    if not isinstance(document, dict) or not isinstance(document.get("settings"), dict):
        raise RecipeError(source, "its ColorSeg recipe is damaged")
    if int(document.get("recipe", 0)) > RECIPE_VERSION:
        raise RecipeError(source, "its recipe comes from a newer ColorSeg; update to replay it")
    return document
