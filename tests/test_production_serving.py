"""The production stack: gunicorn serving the app with static files from whitenoise."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Gunicorn's workers import the whole app before they answer; on a machine whose cores are busy
# with other work that takes far longer than on a quiet one.
DEADLINE_SECONDS = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (a loopback URL we built)
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.mark.slow
def first_answer(server: subprocess.Popen[bytes], url: str) -> tuple[int, bytes, dict[str, str]]:
    """Poll ``url`` until the server answers; fail if it exits first or the deadline passes."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            assert server.stderr is not None
            raise AssertionError(f"gunicorn exited before answering: {server.stderr.read().decode()[-2000:]}")
        try:
            return fetch(url)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {url} within {DEADLINE_SECONDS} s")


def test_gunicorn_serves_pages_and_compressed_static_files_in_production(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(
        LEORA_ENV="production",
        SECRET_KEY="production-test-" + "k" * 40,
        LEORA_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        BEHIND_PROXY="false",
    )
    leora = [sys.executable, "-m", "leora.cli"]
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([*leora, *command], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "leora.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", str(int(DEADLINE_SECONDS))],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        status, body, _headers = first_answer(server, f"{base}/login/")
        assert status == 200
        assert b"Sign in" in body
        stylesheet = body.split(b'rel="stylesheet" href="')[1].split(b'"')[0].decode()
        assert stylesheet.startswith("/static/leora/leora.") and stylesheet.endswith(".css")  # hashed name
        status, _body, headers = fetch(base + stylesheet)
        assert status == 200
        assert "max-age=315360000" in headers.get("Cache-Control", "")
        assert fetch(f"{base}/health/")[0] == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
