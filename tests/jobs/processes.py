"""Start real worker processes against the test database, and wait for what they do.

Every wait polls a condition under a generous deadline instead of sleeping for a fixed time: on a
busy machine a worker may take many seconds to start, and a test must still pass, only slower.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 120.0


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


def wait_for(condition: Callable[[], Any], timeout: float = DEADLINE_SECONDS, interval: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something truthy; return it, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def wait_for_log(process: subprocess.Popen[bytes], text: str, timeout: float = DEADLINE_SECONDS) -> None:
    """Read the worker's stderr until ``text`` appears; fail after ``timeout`` or if it exits first.

    Reads the pipe's file descriptor directly, so nothing is left in a buffer that ``finish`` would
    not see and no line arriving in the same read as an earlier one is missed.
    """
    assert process.stderr is not None
    fd = process.stderr.fileno()
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            raise AssertionError(f"worker exited before logging {text!r}: {seen.decode()[-2000:]}")
        seen += chunk
        if text.encode() in seen:
            return
    raise AssertionError(f"worker did not log {text!r} within {timeout} s: {seen.decode()[-2000:]}")


def finish(process: subprocess.Popen[bytes], timeout: float = DEADLINE_SECONDS) -> tuple[int, str]:
    """Wait for a worker to exit; return its exit code and stderr."""
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"worker did not exit within {timeout} s: {err.decode()[-2000:]}") from None
    return process.returncode, err.decode()
