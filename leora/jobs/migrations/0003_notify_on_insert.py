"""PostgreSQL: every INSERT into jobs_job sends NOTIFY leora_jobs, in the inserting transaction.

One statement-level trigger: the notification travels with the insert itself (no extra round trip
for an enqueue), is delivered at commit and dropped on rollback, and a bulk insert sends one. SQLite
has no NOTIFY; there the migration does nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION jobs_job_notify_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('leora_jobs', '');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS jobs_job_notify_insert ON jobs_job;
CREATE TRIGGER jobs_job_notify_insert AFTER INSERT ON jobs_job
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_job_notify_insert();
"""

DROP = """
DROP TRIGGER IF EXISTS jobs_job_notify_insert ON jobs_job;
DROP FUNCTION IF EXISTS jobs_job_notify_insert();
"""


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_fewer_indexes")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
