from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from leora.imports.models import ImportEntity, ImportMode, ImportRun, ImportStatus
from leora.pagination import ListParams

ROW_ERRORS_SHOWN = 100


class RowProblemOut(Schema):
    column: str = Field(..., description="the header of the column at fault; empty for the row as a whole")
    message: str


class RowErrorOut(Schema):
    row: int = Field(..., description="the row's number in the file; the header is row 1")
    problems: list[RowProblemOut]


class ImportCounts(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int = Field(..., description="records refused (for orders: whole orders)")
    error_rows: int = Field(..., description="rows in the error report")


class ImportOut(Schema):
    id: int
    entity: ImportEntity
    mode: ImportMode
    status: ImportStatus
    applied: bool = Field(..., description="rows were written (never for a dry run)")
    original_name: str
    file_format: str
    encoding: str = Field(..., description="the CSV's detected text encoding")
    delimiter: str = Field(..., description="the CSV's detected delimiter")
    headers: list[str]
    mapping: dict[str, str] = Field(..., description="column header -> field ('' = not imported)")
    job_id: UUID | None
    progress: int = Field(..., description="0-100, from the job")
    progress_message: str
    counts: ImportCounts
    message: str
    errors_url: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_progress(obj: ImportRun) -> int:
        return obj.job.progress if obj.job else (100 if obj.finished else 0)

    @staticmethod
    def resolve_progress_message(obj: ImportRun) -> str:
        return obj.job.progress_message if obj.job else ""

    @staticmethod
    def resolve_counts(obj: ImportRun) -> dict[str, Any]:
        return {
            "rows": obj.rows_total, "created": obj.created_count, "updated": obj.updated_count,
            "unchanged": obj.unchanged_count, "skipped": obj.skipped_count,
            "error_rows": getattr(obj, "error_rows", None) if getattr(obj, "error_rows", None) is not None
            else obj.row_errors.count(),
        }  # fmt: skip

    @staticmethod
    def resolve_errors_url(obj: ImportRun) -> str:
        return f"/api/imports/{obj.pk}/errors.csv"


class ImportDetailOut(ImportOut):
    errors: list[RowErrorOut] = Field(..., description=f"the first {ROW_ERRORS_SHOWN} rejected rows")

    @staticmethod
    def resolve_errors(obj: ImportRun) -> list[dict[str, Any]]:
        rows = obj.row_errors.order_by("row_number", "pk")[:ROW_ERRORS_SHOWN]
        return [{"row": e.row_number, "problems": e.problems} for e in rows]


class ImportAccepted(Schema):
    id: int
    job_id: UUID
    status: ImportStatus
    url: str


class ImportFilters(ListParams):
    entity: ImportEntity | None = None
    status: ImportStatus | None = None
