"""Reads of imports, always of the actor's tenant and only for those who may import."""

from __future__ import annotations

from django.db.models import QuerySet

from leora.errors import NotFound
from leora.imports.models import ImportRowError, ImportRun
from leora.imports.services import require_importer
from leora.tenancy.actors import Actor


def import_list(*, actor: Actor) -> QuerySet[ImportRun]:
    """The tenant's imports, newest first (admins only)."""
    require_importer(actor)
    return (
        ImportRun.objects.for_tenant(actor.tenant)
        .select_related("job", "created_by")
        .order_by("-created_at", "-pk")
    )


def import_get(*, actor: Actor, import_id: int) -> ImportRun:
    """One import of the actor's tenant; another tenant's id is a 404 like a missing one."""
    run = import_list(actor=actor).filter(pk=import_id).first()
    if run is None:
        raise NotFound("import not found")
    return run


def import_row_errors(*, run: ImportRun) -> QuerySet[ImportRowError]:
    """The rejected rows of ``run`` in file order."""
    return ImportRowError.objects.for_tenant(run.tenant_id).filter(run=run).order_by("row_number", "pk")
