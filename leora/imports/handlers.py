"""bulk_import: import customers, products or orders from an uploaded CSV/XLSX file.

The payload schema is final; the handler arrives with the job-handlers work.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from leora.jobs.handlers._pending import not_implemented
from leora.jobs.registry import Payload, register


class BulkImportPayload(Payload):
    kind: Literal["customers", "contacts", "products", "orders"]
    file_path: str = Field(..., min_length=1, max_length=500, description="path under MEDIA_ROOT")
    import_id: int | None = Field(None, ge=1)
    dry_run: bool = False


register(
    "bulk_import", schema=BulkImportPayload, priority=0, max_attempts=1, timeout_seconds=3600,
    description="Imports rows from an uploaded file.",
)(not_implemented)  # fmt: skip
