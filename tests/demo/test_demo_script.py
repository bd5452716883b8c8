"""scripts/demo.sh (what `make demo` runs): its port can be changed, and a port in use is reported
before anything is migrated or seeded."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo.sh"


def test_a_port_in_use_is_reported_with_how_to_pick_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "LEORA_DEMO_PORT": str(port), "LEORA_VAR_DIR": str(tmp_path)}
        result = subprocess.run(
            ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
        )
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"LEORA_DEMO_PORT={port + 1} make demo" in result.stderr
    assert not (tmp_path / "leora.sqlite3").exists()  # nothing was migrated


def test_the_banner_says_how_to_change_the_port() -> None:
    banner = SCRIPT.read_text().split("<<BANNER", 1)[1]
    assert "LEORA_DEMO_PORT=" in banner
