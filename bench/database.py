"""What every benchmark worker does before it seeds: make sure its own database exists."""

from __future__ import annotations


def ensure_database() -> None:
    """PostgreSQL: create the bench's own database on first use (SQLite creates its file itself)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    import psycopg

    params = connection.get_connection_params()
    name = connection.settings_dict["NAME"]
    maintenance = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}
    with psycopg.connect(dbname="postgres", autocommit=True, **maintenance) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
