"""Start real worker processes against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """Return a DATABASE_URL for the database the tests are using (the test database, not the real one)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(*args: str, recording: bool = False, **env: str) -> subprocess.Popen[bytes]:
    """Start ``leora worker <args>`` (with the test-only recording type when ``recording``)."""
    module = "tests.jobs.recording_worker" if recording else "leora.cli"
    environment = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "LOG_LEVEL": "WARNING",
        "LEORA_ENV": "test",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", module, "worker", "--no-schedule", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: Callable[[], Any], timeout: float = 30, interval: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something truthy; return it, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def finish(process: subprocess.Popen[bytes], timeout: float = 120) -> tuple[int, str]:
    """Wait for a worker to exit; return its exit code and stderr."""
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"worker did not exit within {timeout} s: {err.decode()[-2000:]}") from None
    return process.returncode, err.decode()
