"""A private Xvfb X server on a free display, for running the app on a real X11 platform."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT = 30.0


@contextmanager
def xvfb_display(width: int = 1280, height: int = 1024) -> Iterator[dict[str, str]]:
    """Start Xvfb on a display it picks itself; yield the DISPLAY/XAUTHORITY env; stop it.

    -displayfd makes the server choose a free display and report it once it accepts
    connections, so there is no guessing and no race; -nolisten tcp and an Xauthority
    cookie keep other users off it; -noreset because a server resetting after its last
    client left refuses the next connection for a moment.
    """
    xvfb, xauth = shutil.which("Xvfb"), shutil.which("xauth")
    if xvfb is None or xauth is None:
        raise RuntimeError("Xvfb and xauth are needed (Debian packages xvfb, xauth)")
    with tempfile.TemporaryDirectory(prefix="colorseg-xvfb-") as tmp:
        server_auth, authfile = Path(tmp) / "server-auth", Path(tmp) / "Xauthority"
        cookie = os.urandom(16).hex()
        # The server reads its cookies when it starts, before the display is known; it
        # accepts a cookie whatever display the entry names, so a placeholder serves.
        subprocess.run(
            [xauth, "-f", str(server_auth), "add", ":0", ".", cookie],
            check=True, capture_output=True,
        )
        read_fd, write_fd = os.pipe()
        server = subprocess.Popen(
            [xvfb, "-displayfd", str(write_fd), "-nolisten", "tcp", "-noreset",
             "-auth", str(server_auth), "-screen", "0", f"{width}x{height}x24"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        os.close(write_fd)
        try:
            number = _read_display(read_fd, server)
            display = f":{number}"
            subprocess.run(
                [xauth, "-f", str(authfile), "add", display, ".", cookie],
                check=True, capture_output=True,
            )
            yield {"DISPLAY": display, "XAUTHORITY": str(authfile)}
        finally:
            os.close(read_fd)
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if server.stderr is not None:
                server.stderr.close()


def _read_display(fd: int, server: subprocess.Popen[bytes]) -> str:
    import select

    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], START_TIMEOUT)
        if not ready:
            raise RuntimeError(f"Xvfb did not report a display within {START_TIMEOUT:.0f} s")
        chunk = os.read(fd, 64)
        if not chunk:
            err = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise RuntimeError(f"Xvfb exited before it was ready: {err.strip()[-500:]}")
        data += chunk
    return data.decode().strip()
