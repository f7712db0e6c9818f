"""tagsig never opens a socket and never writes outside what it is asked to."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import REPO

_SCRIPT = textwrap.dedent(
    """
    import socket, sys

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    import tagsig
    from tagsig._cli.main import main

    capture = tagsig.load_har(sys.argv[1])
    hosts = {tagsig.registrable_domain(e.url.host) for e in capture.entries}
    assert "google-analytics.com" in hosts, hosts
    tagsig.load_cookies(sys.argv[2])
    assert main(["inspect", sys.argv[1], "--cookies", sys.argv[2]]) == 0
    print("offline ok")
    """
)


def test_no_network_and_no_cache_written(tmp_path: Path) -> None:
    """Reading inputs and splitting domains works with sockets refused and an empty HOME."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _SCRIPT,
            str(REPO / "examples" / "shop.har"),
            str(REPO / "examples" / "cookies.txt"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "offline ok" in result.stdout
    assert list(home.rglob("*")) == []
