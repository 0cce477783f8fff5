"""Start-up stays light: what `--version` and the empty first window import (not timed)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from app_process import window_script

HEAVY = ("numpy", "PIL", "colorseg_gui.engine.")
# The engine's lazy package and its options (plain Python) come with the options panel.
LIGHT_ENGINE = {"colorseg_gui.engine.options"}


def _modules_after(code: str) -> set[str]:
    """Run ``code`` in a fresh interpreter; the top-level names of what it imported."""
    script = textwrap.dedent(code) + textwrap.dedent(
        """
        import sys
        print("\\n".join(sorted(sys.modules)), file=sys.stderr)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return set(proc.stderr.split())


def test_version_and_argument_parsing_import_no_qt_numpy_or_pillow():
    loaded = _modules_after(
        """
        import contextlib, io
        from colorseg_gui.gui import app
        app.parse_args(["photo.jpg", "--sample"])
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            app.main(["--version"])
        from colorseg_gui import __version__
        assert out.getvalue().split() == ["ColorSeg", __version__], out.getvalue()
        """
    )
    assert not {name for name in loaded if name.split(".")[0] in ("PySide6", "numpy", "PIL")}


def test_the_empty_window_needs_no_numpy_pillow_or_engine(tmp_path):
    loaded = _modules_after(
        window_script(
            tmp_path,
            """
            app.processEvents()
            window.close()
            """,
        )
    )
    assert "colorseg_gui.gui.main_window" in loaded
    assert not [name for name in loaded if name.startswith(HEAVY) and name not in LIGHT_ENGINE]


def test_the_preload_imports_what_the_first_image_needs():
    loaded = _modules_after(
        """
        from colorseg_gui.gui import preload
        preload.start().join(60)
        """
    )
    assert {"numpy", "PIL.Image", "colorseg_gui.engine.io.loading"} <= loaded
