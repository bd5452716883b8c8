"""Reads of scans, scoped by role: a rep sees their own scans, a manager their team's, an admin all."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from leora.crm.models import Contact, Customer
from leora.crm.selectors.phones import phone_match
from leora.crm.visibility import get_visible, visible_customers
from leora.extraction.models import Extraction
from leora.jobs.models import Job
from leora.tenancy.actors import Actor


def extraction_list(
    *, actor: Actor, status: str | None = None, kind: str | None = None
) -> QuerySet[Extraction]:
    """Return the scans ``actor`` may see, newest first."""
    progress = Job.objects.filter(pk=OuterRef("job_id"))
    scans: QuerySet[Extraction] = Extraction.objects.for_tenant(actor.tenant)
    scans = scans.select_related("created_by").annotate(
        job_progress=Subquery(progress.values("progress")[:1]),
        job_progress_message=Subquery(progress.values("progress_message")[:1]),
    )
    if not actor.sees_whole_tenant:
        scans = scans.filter(created_by_id__in=actor.team_user_ids)
    if status:
        scans = scans.filter(status=status)
    if kind:
        scans = scans.filter(kind=kind)
    return scans.order_by("-created_at", "-pk")


def extraction_get(*, actor: Actor, extraction_id: int) -> Extraction:
    """Return one scan the actor may see; anything else (another tenant's, a colleague's) is a 404."""
    return get_visible(extraction_list(actor=actor), extraction_id, "scan")


@dataclass(frozen=True)
class Match:
    """An existing record the scan seems to describe, and why."""

    customer: Customer
    contact: Contact | None
    reason: str


def _national_digits(e164: str) -> str:
    import phonenumbers

    try:
        return str(phonenumbers.parse(e164, None).national_number)
    except phonenumbers.NumberParseException:
        return ""


def extraction_matches(*, actor: Actor, kind: str, values: dict[str, str], limit: int = 5) -> list[Match]:
    """Return the customers and contacts ``actor`` can see that share the scan's email, phone or licence
    number, best reason first (a licence number or an email before a phone)."""
    customers = visible_customers(actor)
    matches: list[Match] = []
    seen: set[tuple[int, int | None]] = set()

    def add(customer: Customer, contact: Contact | None, reason: str) -> None:
        key = (customer.pk, contact.pk if contact else None)
        if key not in seen and len(matches) < limit:
            seen.add(key)
            matches.append(Match(customer, contact, reason))

    licence = values.get("licence_number", "").strip()
    if licence:
        for customer in customers.filter(licence_number__iexact=licence)[:limit]:
            add(customer, None, f"licence number {licence}")
    email = values.get("email", "").strip()
    phone = _national_digits(values.get("phone", "").strip()) if values.get("phone") else ""
    if kind == "business_card":
        contacts = (
            Contact.objects.for_tenant(actor.tenant).filter(customer__in=customers).select_related("customer")
        )
        if email:
            for contact in contacts.filter(email__iexact=email)[:limit]:
                add(contact.customer, contact, f"email {email}")
        if phone:
            annotated, condition = phone_match(contacts, "phone", phone)
            for contact in annotated.filter(condition)[:limit]:
                add(contact.customer, contact, f"phone {values['phone']}")
    if email:
        for customer in customers.filter(email__iexact=email)[:limit]:
            add(customer, None, f"email {email}")
    if phone:
        annotated_customers, condition = phone_match(customers, "phone", phone)
        for customer in annotated_customers.filter(condition)[:limit]:
            add(customer, None, f"phone {values['phone']}")
    return matches
