"""The engine's package is the only way in for the command, batch and the window."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import colorseg_gui
import colorseg_gui.engine as engine

PACKAGE = Path(colorseg_gui.__file__).parent


def _engine_imports(path: Path) -> list[str]:
    """Every engine module `path` imports by name (the package itself excluded)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("colorseg_gui.engine."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("colorseg_gui.engine.")]
    return found


def test_cli_batch_and_gui_import_the_engine_only_through_its_package() -> None:
    clients = [p for p in PACKAGE.rglob("*.py") if "engine" not in p.relative_to(PACKAGE).parts]
    assert len(clients) > 30  # the walk found the window's and the command's modules
    deep = {str(p.relative_to(PACKAGE)): _engine_imports(p) for p in clients}
    assert {name: mods for name, mods in deep.items() if mods} == {}


def test_every_exported_name_resolves_and_names_no_module() -> None:
    import types

    for name in engine.__all__:
        value = getattr(engine, name)
        assert not isinstance(value, types.ModuleType), name
    assert "KMeansOptions" in dir(engine)


def test_importing_the_engine_loads_nothing_until_a_name_is_used() -> None:
    code = (
        "import json, sys\n"
        "def heavy(): return sorted(m for m in sys.modules if m.startswith(('numpy', 'PIL')))\n"
        "import colorseg_gui.engine as e\n"
        "at_import = sorted(m for m in sys.modules if m.startswith('colorseg_gui.engine'))\n"
        "e.KMeansOptions(k=4)\n"
        "options_only = heavy()\n"
        "e.build_histogram\n"
        "print(json.dumps([at_import, options_only, 'numpy' in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    at_import, options_only, numpy_after_use = json.loads(out)
    assert at_import == ["colorseg_gui.engine"]
    assert options_only == []  # the window's options panel needs no numpy
    assert numpy_after_use
