"""Writes of imports: uploading a file, starting its import (a job), and running it in the job.

Who may import: admins only (``require_importer``, the one place the rule lives). An import upserts
by account number, SKU and order number across the whole tenant, so it cannot be held to a manager's
team; DOMAIN.md gives imports to the admin.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from leora.errors import InvalidInput
from leora.events import event_emit
from leora.imports.fields import fields_of, mapping_guess, mapping_problems, normalise_header
from leora.imports.importer import (
    IMPORTERS,
    Env,
    Row,
    Tally,
    Unit,
    chunk_apply,
    chunks,
    row_of,
    units_of,
)
from leora.imports.models import (
    ImportEntity,
    ImportMapping,
    ImportMode,
    ImportRowError,
    ImportRun,
    ImportStatus,
)
from leora.imports.reading import MAX_FILE_BYTES, FileProblem, RowReader, Source, source_open
from leora.jobs.context import JobCancelled
from leora.jobs.queue import job_enqueue
from leora.tenancy.actors import Actor, actor_for, require_role
from leora.tenancy.models import Membership, Role
from leora.tenancy.services.audit import audit_record

# Rejected rows kept for the error report; a file worse than this is reported by count past it.
MAX_STORED_ERRORS = 100_000


def require_importer(actor: Actor) -> None:
    """Imports are the admin's (403 otherwise): every page, API call and job checks this one rule."""
    require_role(actor, Role.ADMIN, message="only an admin may import data")


def _upload_dir(tenant_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(tenant_id)


def _store(tenant_id: int, uploaded: UploadedFile) -> Path:
    name = (uploaded.name or "").lower()
    suffix = ".xlsx" if name.endswith((".xlsx", ".xlsm")) else ".csv"
    folder = _upload_dir(tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    written = 0
    with path.open("wb") as out:
        for piece in uploaded.chunks():
            written += len(piece)
            if written > MAX_FILE_BYTES:
                out.close()
                path.unlink(missing_ok=True)
                raise InvalidInput.on(
                    "file",
                    f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                    "split it and import the parts",
                )
            out.write(piece)
    return path


def _relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.MEDIA_ROOT)))


def run_path(run: ImportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / run.file_path


def saved_mapping(*, tenant_id: int, entity: str) -> dict[str, str]:
    row = ImportMapping.objects.for_tenant(tenant_id).filter(entity=entity).first()
    return dict(row.mapping) if row else {}


def import_upload(*, actor: Actor, uploaded: UploadedFile, entity: str) -> ImportRun:
    """Store ``uploaded`` and read its headers; return the import waiting for its mapping (status
    uploaded), the columns guessed from the tenant's last mapping and the headers' usual names.

    A file that cannot be imported at all (empty, not a spreadsheet, a ZIP bomb, no header) is a 422 on
    ``file`` and leaves nothing behind."""
    require_importer(actor)
    if entity not in ImportEntity.values:
        raise InvalidInput.on("entity", f"choose one of {', '.join(ImportEntity.values)}")
    path = _store(actor.tenant.pk, uploaded)
    try:
        source = source_open(path, uploaded.name or "")
    except FileProblem as exc:
        path.unlink(missing_ok=True)
        raise InvalidInput.on("file", str(exc)) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    run = ImportRun.objects.create_for(
        actor.tenant, entity=entity, mode=ImportMode.DRY_RUN, status=ImportStatus.UPLOADED,
        original_name=(uploaded.name or "upload")[:255], file_path=_relative(path),
        file_format=source.file_format,
        file_size=source.size, encoding=source.encoding, delimiter=source.delimiter, headers=source.headers,
        mapping=mapping_guess(
            entity, source.headers, saved_mapping(tenant_id=actor.tenant.pk, entity=entity)
        ),
        created_by=actor.user,
    )  # fmt: skip
    return run


def _checked_mapping(run: ImportRun, mapping: Mapping[str, Any] | None) -> dict[str, str]:
    if mapping is None:
        chosen = dict(run.mapping)
    else:
        bad = [key for key, value in mapping.items() if not isinstance(value, str | type(None))]
        if bad:
            raise InvalidInput.on(
                "mapping", f"map each column to a field name (check {', '.join(map(str, bad))})"
            )
        chosen = {header: "" for header in run.headers}
        chosen.update({str(k): (v or "") for k, v in mapping.items()})
    problems = mapping_problems(run.entity, run.headers, chosen)
    if problems:
        text = "; ".join(problems)
        raise InvalidInput.on("mapping", text[:1].upper() + text[1:])
    return chosen


@transaction.atomic
def import_start(
    *, actor: Actor, run: ImportRun, mode: str, mapping: Mapping[str, Any] | None = None
) -> ImportRun:
    """Queue ``run`` (or, once it has run, a new import of the same file) in ``mode`` with ``mapping``
    (header -> field; the run's guess when None) and return the import queued. An explicit mapping is
    saved as the tenant's choice for its next file of this kind."""
    require_importer(actor)
    if mode not in ImportMode.values:
        raise InvalidInput.on("mode", f"choose one of {', '.join(ImportMode.values)}")
    chosen = _checked_mapping(run, mapping)
    if run.status != ImportStatus.UPLOADED:
        if not run_path(run).exists():
            raise InvalidInput.on("file", "the uploaded file is no longer kept; upload it again")
        run = ImportRun.objects.create_for(
            actor.tenant, entity=run.entity, original_name=run.original_name, file_path=run.file_path,
            file_format=run.file_format, file_size=run.file_size, encoding=run.encoding,
            delimiter=run.delimiter,
            headers=run.headers, created_by=actor.user,
        )  # fmt: skip
    if mapping is not None:
        _mapping_save(actor=actor, entity=run.entity, mapping=chosen)
    run.mode = mode
    run.mapping = chosen
    run.status = ImportStatus.QUEUED
    run.created_by = actor.user
    run.job = job_enqueue(
        job_type="bulk_import", payload={"import_id": run.pk}, tenant=actor.tenant, created_by=actor.user,
        idempotency_key=f"import:{run.pk}",
    )  # fmt: skip
    run.save(update_fields=["mode", "mapping", "status", "created_by", "job"])
    return run


def _mapping_save(*, actor: Actor, entity: str, mapping: Mapping[str, str]) -> None:
    stored = saved_mapping(tenant_id=actor.tenant.pk, entity=entity)
    stored.update({normalise_header(header): field for header, field in mapping.items() if header})
    ImportMapping.objects.for_tenant(actor.tenant).update_or_create(
        tenant=actor.tenant, entity=entity,
        defaults={"mapping": stored, "updated_by": actor.user, "updated_at": timezone.now()},
    )  # fmt: skip


def import_create(
    *, actor: Actor, uploaded: UploadedFile, entity: str, mode: str, mapping: Mapping[str, Any] | None = None
) -> ImportRun:
    """Upload and start in one call (the API): the queued import, or a 422 naming file, entity, mode or
    mapping with nothing written."""
    require_importer(actor)
    if mode not in ImportMode.values:
        raise InvalidInput.on("mode", f"choose one of {', '.join(ImportMode.values)}")
    run = import_upload(actor=actor, uploaded=uploaded, entity=entity)
    try:
        return import_start(actor=actor, run=run, mode=mode, mapping=mapping)
    except BaseException:
        run_path(run).unlink(missing_ok=True)
        run.delete()
        raise


# -- running an import (inside its job) -------------------------------------------------------------------


class ImportRefused(Exception):
    """The import cannot run and will not be able to on a retry; the message says why."""


class _Rollback(Exception):
    pass


Progress = Callable[[float, str], None]


def _importer_actor(run: ImportRun) -> Actor:
    if run.created_by_id is None:
        raise ImportRefused("the person who started this import is no longer in the team")
    membership = (
        Membership.objects.select_related("tenant", "user")
        .filter(tenant_id=run.tenant_id, user_id=run.created_by_id)
        .first()
    )
    if membership is None or not membership.user.is_active:
        raise ImportRefused("the person who started this import is no longer in the team")
    actor = actor_for(membership)
    if not actor.is_admin:
        raise ImportRefused("the person who started this import is no longer an admin")
    return actor


def _source(run: ImportRun) -> Source:
    path = run_path(run)
    if not path.exists():
        # Storage that is not there yet (a volume still mounting) is worth another attempt.
        raise FileNotFoundError(f"the uploaded file {run.original_name} is missing from storage")
    return Source(
        path=path, file_format=run.file_format, encoding=run.encoding, delimiter=run.delimiter,
        headers=list(run.headers), size=run.file_size,
    )  # fmt: skip


def _error_rows(run: ImportRun, batch: list[Unit]) -> list[ImportRowError]:
    return [
        ImportRowError(
            tenant_id=run.tenant_id,
            run=run,
            row_number=row.number,
            problems=[p.as_dict() for p in row.problems],
            values=[_json_cell(c) for c in row.cells],
        )
        for unit in batch
        if unit.rejected
        for row in unit.rows
    ]


def _json_cell(cell: Any) -> Any:
    if cell is None or isinstance(cell, str | int | float | bool):
        return cell
    return str(cell)


class _Pass:
    """One read of the file: rows checked and matched chunk by chunk, written when ``write``."""

    def __init__(self, *, run: ImportRun, actor: Actor, write: bool) -> None:
        self.run = run
        self.write = write
        specs = {spec.name: spec for spec in fields_of(run.entity)}
        index = {header: i for i, header in enumerate(run.headers)}
        self.columns = [
            (index[header], specs[name], header)
            for header, name in run.mapping.items()
            if name and header in index
        ]
        column_of = {name: header for header, name in run.mapping.items() if name}
        self.importer = IMPORTERS[run.entity](Env(actor=actor, write=write, column_of=column_of))
        self.tally = Tally()
        self.stored_errors = 0
        self.held_errors: list[ImportRowError] = []

    def _rows(self, reader: RowReader) -> Any:
        for raw in reader.rows():
            yield row_of(raw, self.columns)

    def run_over(
        self,
        source: Source,
        *,
        per_chunk: Callable[[], Any],
        record: str,
        after_chunk: Callable[[float], None],
    ) -> Tally:
        """``per_chunk()`` wraps each chunk (a transaction, or nothing); ``record`` is "store" (write the
        rejected rows with the chunk) or "hold" (keep them for the caller)."""
        reader = RowReader(source)
        for batch in chunks(units_of(self.importer, self._rows(reader))):
            with per_chunk():
                chunk_apply(self.importer, batch)
                errors = _error_rows(self.run, batch)
                room = max(0, MAX_STORED_ERRORS - self.stored_errors)
                if record == "store" and errors and room:
                    ImportRowError.objects.for_tenant(self.run.tenant_id).bulk_create(errors[:room])
                elif record == "hold":
                    self.held_errors.extend(errors[:room])
                self.stored_errors += min(len(errors), room)
            for unit in batch:
                self.tally.add(unit)
            after_chunk(reader.fraction)
        return self.tally


def _message(tally: Tally) -> str:
    return (
        f"{tally.rows:,} rows read · {tally.created:,} new, {tally.updated:,} changed, "
        f"{tally.unchanged:,} unchanged, {tally.skipped:,} rejected"
    )


def _save_counts(run: ImportRun, tally: Tally, **fields: Any) -> None:
    run.rows_total = tally.rows
    run.created_count = tally.created
    run.updated_count = tally.updated
    run.unchanged_count = tally.unchanged
    run.skipped_count = tally.skipped
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()


def _mark_failed(run: ImportRun, message: str) -> None:
    ImportRun.objects.for_tenant(run.tenant_id).filter(pk=run.pk).update(
        status=ImportStatus.FAILED, message=message[:2000], finished_at=timezone.now()
    )


def import_execute(
    *,
    run: ImportRun,
    progress: Progress,
    check_cancel: Callable[[], None],
    last_attempt: bool = True,
) -> dict[str, Any]:
    """Run ``run`` to its end and return its counts (the job's result).

    dry_run reads and matches every row and writes none; skip_bad_rows writes each chunk's sound rows in
    the chunk's own transaction (a retry after a crash finds the earlier chunks unchanged: upserts);
    all_or_nothing reads the whole file first and, only when no row was refused, writes every row in one
    transaction. Raises ImportRefused for a file or an importer that will not get better."""
    try:
        return _execute(run=run, progress=progress, check_cancel=check_cancel)
    except (ImportRefused, FileProblem) as exc:
        _mark_failed(run, str(exc))
        raise ImportRefused(str(exc)) from None
    except JobCancelled:
        _mark_failed(run, "Cancelled. In skip-bad-rows mode the chunks read before the cancel are kept.")
        raise
    except Exception as exc:
        if last_attempt:
            _mark_failed(run, f"The import stopped: {exc}")
        else:
            ImportRun.objects.for_tenant(run.tenant_id).filter(pk=run.pk).update(
                status=ImportStatus.QUEUED, message=f"Will try again: {exc}"[:2000]
            )
        raise


def _execute(*, run: ImportRun, progress: Progress, check_cancel: Callable[[], None]) -> dict[str, Any]:
    actor = _importer_actor(run)
    source = _source(run)
    # A retry starts over: the rejected rows of an earlier attempt are not this attempt's.
    ImportRowError.objects.for_tenant(run.tenant_id).filter(run=run).delete()
    run.status = ImportStatus.RUNNING
    run.started_at = timezone.now()
    run.message = ""
    run.applied = False
    _save_counts(run, Tally())
    progress(0, "Reading the file")

    def reporter(low: float, high: float, pass_: _Pass) -> Callable[[float], None]:
        return lambda fraction: progress(low + (high - low) * fraction, _message(pass_.tally))

    tally: Tally
    if run.mode == ImportMode.SKIP_BAD_ROWS:
        applying = _Pass(run=run, actor=actor, write=True)
        tally = applying.run_over(
            source, per_chunk=transaction.atomic, record="store", after_chunk=reporter(0, 99, applying)
        )
        _finish_applied(run, actor, tally)
    else:
        checking = _Pass(run=run, actor=actor, write=False)
        span = 100 if run.mode == ImportMode.DRY_RUN else 60
        tally = checking.run_over(
            source, per_chunk=nullcontext, record="store", after_chunk=reporter(0, span, checking)
        )
        if run.mode == ImportMode.ALL_OR_NOTHING and not tally.error_rows:
            progress(60, f"Writing {tally.rows:,} rows in one transaction")
            tally = _apply_all(run, actor, source, check_cancel)
    message = _summary(run, tally)
    _save_counts(run, tally, status=ImportStatus.COMPLETED, finished_at=timezone.now(), message=message)
    progress(100, message)
    return result_of(run)


def _apply_all(run: ImportRun, actor: Actor, source: Source, check_cancel: Callable[[], None]) -> Tally:
    applying = _Pass(run=run, actor=actor, write=True)
    try:
        with transaction.atomic():
            # No progress writes in here: the job's row must not be locked by this long transaction.
            tally = applying.run_over(
                source, per_chunk=nullcontext, record="hold", after_chunk=lambda _: check_cancel()
            )
            if tally.error_rows:
                raise _Rollback
            _finish_applied(run, actor, tally)
    except _Rollback:
        # The data moved between the check and the write (another import, an edit): nothing is kept.
        ImportRowError.objects.for_tenant(run.tenant_id).bulk_create(applying.held_errors)
        run.applied = False
    return applying.tally


def _finish_applied(run: ImportRun, actor: Actor, tally: Tally) -> None:
    run.applied = True
    counts = {"created": tally.created, "updated": tally.updated, "unchanged": tally.unchanged,
              "skipped": tally.skipped}  # fmt: skip
    with transaction.atomic():
        audit_record(
            tenant=actor.tenant, actor=actor.user, action="import.apply", obj=run,
            after={"entity": run.entity, "mode": run.mode, "file": run.original_name, **counts},
        )  # fmt: skip
        event_emit(
            tenant_id=actor.tenant.pk, event="import.completed",
            data={"import_id": run.pk, "entity": run.entity, "mode": run.mode, **counts},
        )  # fmt: skip


def _summary(run: ImportRun, tally: Tally) -> str:
    noun = run.entity if run.entity != ImportEntity.ORDERS else "orders"
    if run.mode == ImportMode.DRY_RUN:
        head = (
            f"Dry run: nothing was written. {tally.created:,} {noun} would be created, "
            f"{tally.updated:,} updated."
        )
        return head + (
            f" {tally.error_rows:,} rows have errors." if tally.error_rows else " No row has an error."
        )
    if run.mode == ImportMode.ALL_OR_NOTHING and not run.applied:
        return (
            f"Nothing was imported: {tally.error_rows:,} rows have errors. "
            "Fix them and import the file again."
        )
    text = (
        f"Imported: {tally.created:,} {noun} created, {tally.updated:,} updated, "
        f"{tally.unchanged:,} unchanged."
    )
    if tally.error_rows:
        text += f" {tally.error_rows:,} rows were skipped; download the error report."
    return text


def result_of(run: ImportRun) -> dict[str, Any]:
    return {
        "import_id": run.pk, "entity": run.entity, "mode": run.mode, "applied": run.applied,
        "rows": run.rows_total, "created": run.created_count, "updated": run.updated_count,
        "unchanged": run.unchanged_count, "skipped": run.skipped_count,
    }  # fmt: skip


__all__ = ["Row", "import_create", "import_execute", "import_start", "import_upload", "require_importer"]
