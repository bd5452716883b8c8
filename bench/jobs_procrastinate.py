"""Procrastinate app for the job queue benchmark (bench-only; Procrastinate is never a runtime dependency)."""

from __future__ import annotations

import os

from procrastinate import App, PsycopgConnector

app = App(connector=PsycopgConnector(conninfo=os.environ.get("BENCH_PROCRASTINATE_DSN", "")))


@app.task(name="noop")
def noop() -> None:
    return None
