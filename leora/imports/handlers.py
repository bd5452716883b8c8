"""bulk_import: run one import (leora.imports.services.import_execute) in a job, reporting progress."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.registry import Payload, register


class BulkImportPayload(Payload):
    import_id: int = Field(..., ge=1, description="the ImportRun to run")


@register(
    "bulk_import", schema=BulkImportPayload, priority=0, max_attempts=3, timeout_seconds=3600,
    description="Imports customers, contacts, products or orders from an uploaded CSV or XLSX file.",
)  # fmt: skip
def bulk_import(ctx: JobContext, payload: BulkImportPayload) -> dict[str, Any]:
    """A file or importer that cannot succeed fails at once; anything else (storage, the database) is
    retried, and every attempt starts the file over (its writes are upserts)."""
    from leora.imports.models import ImportRun
    from leora.imports.services import ImportRefused, import_execute

    if ctx.tenant is None:
        raise PermanentFailure("bulk_import needs a tenant")
    run = ImportRun.objects.for_tenant(ctx.tenant).filter(pk=payload.import_id).first()
    if run is None:
        raise PermanentFailure(f"import {payload.import_id} does not exist")
    try:
        return import_execute(
            run=run, progress=ctx.progress, check_cancel=ctx.check_cancel,
            last_attempt=ctx.attempt >= ctx.job.max_attempts,
        )  # fmt: skip
    except ImportRefused as exc:
        raise PermanentFailure(str(exc)) from None
