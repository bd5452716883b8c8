"""The plug-in point for outside data sources (a licence register, a business directory, ...).

A provider is any object with a ``name`` and ``enrich(customer) -> dict``; ``ENRICHMENT_PROVIDERS``
in settings lists the dotted paths of the enabled ones (a class, instantiated once, or an object).
None ships enabled. What a provider returns is stored as it is under its name in
``CustomerEnrichment.external``; nothing is copied onto the customer, so a wrong answer from
outside never overwrites what the team typed. A provider that raises fails the attempt, and the
job is retried with backoff like any other transient failure.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from leora.crm.models import Customer


@runtime_checkable
class EnrichmentProvider(Protocol):
    """An outside source of facts about a customer."""

    name: str

    def enrich(self, customer: Customer) -> dict[str, Any]:
        """Return what the source knows about ``customer`` (JSON-serialisable); {} for nothing."""
        ...


def enabled_providers() -> list[EnrichmentProvider]:
    """Return the providers named in ``ENRICHMENT_PROVIDERS`` (empty by default)."""
    found: list[EnrichmentProvider] = []
    for path in getattr(settings, "ENRICHMENT_PROVIDERS", ()):
        target = import_string(path)
        provider = target() if isinstance(target, type) else target
        if not isinstance(provider, EnrichmentProvider):
            raise ImproperlyConfigured(f"{path} is not an enrichment provider (needs name and enrich())")
        found.append(provider)
    return found
