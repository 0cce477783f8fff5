"""PySide6 6.12.0 + CPython 3.11 crashed after a few hundred Signal.emit() calls (bool refcount).

Each scenario runs in its own interpreter, so a crash fails this test instead of killing pytest.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

EMITS = 100_000

_SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

    N = int(sys.argv[2])

    class Source(QObject):
        ping = Signal(int)
        done = Signal()

    class Sink(QObject):
        def __init__(self):
            super().__init__()
            self.count = 0

        @Slot(int)
        def on_ping(self, value):
            self.count += 1

    class Emitter(QObject):
        def __init__(self, source):
            super().__init__()
            self.source = source

        @Slot()
        def run(self):
            for i in range(N):
                self.source.ping.emit(i)
            self.source.done.emit()

    app = QCoreApplication([])
    source, sink = Source(), Sink()
    source.ping.connect(sink.on_ping)
    if sys.argv[1] == "same-thread":
        for i in range(N):
            source.ping.emit(i)
    else:
        thread = QThread()
        emitter = Emitter(source)
        emitter.moveToThread(thread)
        thread.started.connect(emitter.run)
        source.done.connect(thread.quit)
        thread.finished.connect(app.quit)
        thread.start()
        app.exec()
        thread.wait()
        app.processEvents()  # deliver the queued emits that are left
    print(sink.count)
    """
)


@pytest.mark.parametrize("mode", ["same-thread", "across-threads"])
def test_100k_emits_do_not_crash(mode: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, mode, str(EMITS)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"interpreter died ({proc.returncode}): {proc.stderr[-2000:]}"
    assert proc.stdout.split()[-1] == str(EMITS)
