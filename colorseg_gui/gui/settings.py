"""What the window remembers between runs (QSettings, INI format in the user's config dir)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

from colorseg_gui.engine import KMeansOptions

if TYPE_CHECKING:
    from colorseg_gui.engine import Space

ORGANIZATION = "ColorSeg"
APPLICATION = "ColorSeg"
MAX_RECENT = 10
DEFAULT_K = 8


def _open() -> QSettings:
    # Explicit format/scope/name: independent of the QApplication's names (tests redirect
    # the INI location with QSettings.setPath).
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


class Settings:
    """Typed accessors over the app's QSettings store."""

    def __init__(self) -> None:
        self._store = _open()

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        try:
            value = int(str(self._store.value(key, default)))
        except (TypeError, ValueError):
            return default
        return min(max(value, low), high)

    def _str(self, key: str, default: str) -> str:
        value = self._store.value(key, default)
        return value if isinstance(value, str) else default

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._store.value(key, default)
        return value in (True, "true", "1", 1) if not isinstance(value, bool) else value

    def set_flag(self, key: str, value: bool) -> None:
        self._store.setValue(key, bool(value))

    def number(self, key: str, default: float, low: float, high: float) -> float:
        try:
            value = float(str(self._store.value(key, default)))
        except (TypeError, ValueError):
            return default
        return min(max(value, low), high) if value == value else default

    def set_number(self, key: str, value: float) -> None:
        self._store.setValue(key, float(value))

    @property
    def k(self) -> int:
        return self._int("run/k", DEFAULT_K, 1, 256)

    @k.setter
    def k(self, value: int) -> None:
        self._store.setValue("run/k", int(value))

    @property
    def space(self) -> Space:
        value = self._str("run/space", "rgb")
        return "lab" if value == "lab" else "oklab" if value == "oklab" else "rgb"

    @space.setter
    def space(self, value: str) -> None:
        self._store.setValue("run/space", value)

    def run_options(self) -> KMeansOptions:
        """Every option of the last run (values a newer or older version wrote are checked)."""
        from colorseg_gui.gui import options_panel as panel

        tols = [tol for tol, _ in panel.STOP_CHOICES]
        inits = [value for value, _ in panel.INIT_CHOICES]
        try:
            tol = float(str(self._store.value("run/tol", tols[0])))
        except (TypeError, ValueError):
            tol = tols[0]
        init = self._str("run/init", inits[0])
        return KMeansOptions(
            k=self.k,
            space=self.space,
            seed=self._int("run/seed", 0, 0, panel.MAX_SEED),
            max_iter=self._int("run/max_iter", KMeansOptions.max_iter, 1, panel.MAX_ITER),
            init=init if init in inits else inits[0],
            tol=min(tols, key=lambda known: abs(known - tol)),
        )

    def save_run_options(self, options: KMeansOptions) -> None:
        self.k, self.space = options.k, options.space
        # Starting colours belong to a session, not to the next launch's defaults.
        init = options.init if isinstance(options.init, str) else "k-means++"
        for key, value in (("seed", options.seed or 0), ("max_iter", options.max_iter),
                           ("init", init), ("tol", options.tol)):
            self._store.setValue(f"run/{key}", value)

    @property
    def compare_mode(self) -> str:
        return self._str("view/compare", "result")

    @compare_mode.setter
    def compare_mode(self, value: str) -> None:
        self._store.setValue("view/compare", value)

    @property
    def theme(self) -> str:
        """View > Theme: "system" (follow the desktop), "light" or "dark"."""
        value = self._str("view/theme", "system")
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._store.setValue("view/theme", value)

    @property
    def last_folder(self) -> str:
        folder = self._str("files/last_folder", "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._store.setValue("files/last_folder", value)

    @property
    def recent_files(self) -> list[str]:
        value = self._store.value("files/recent", [])
        if isinstance(value, str):  # QSettings INI gives a bare string for one-item lists
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(item) for item in value if isinstance(item, str) and item][:MAX_RECENT]

    def add_recent(self, path: str) -> list[str]:
        files = [path, *(p for p in self.recent_files if p != path)][:MAX_RECENT]
        self._store.setValue("files/recent", files)
        return files

    def remove_recent(self, path: str) -> list[str]:
        files = [p for p in self.recent_files if p != path]
        self._store.setValue("files/recent", files)
        return files

    def clear_recent(self) -> None:
        self._store.setValue("files/recent", [])

    def geometry(self) -> QByteArray | None:
        value = self._store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._store.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._store.setValue("window/geometry", geometry)
        self._store.setValue("window/state", state)

    def sync(self) -> None:
        self._store.sync()
