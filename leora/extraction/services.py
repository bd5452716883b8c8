"""Writes of scans: upload (store the image, queue the OCR job), run (OCR and parsing, from the job) and
apply (the reviewed fields into a customer and a contact, through crm's services)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from leora.crm.models import Contact, Customer, LicenceType
from leora.crm.services.contacts import contact_create, contact_update
from leora.crm.services.customers import customer_create, customer_update
from leora.crm.visibility import get_visible, scope_by_customer, visible_customers
from leora.errors import Conflict, InvalidInput
from leora.events import event_emit
from leora.extraction.files import image_check, image_file, image_open, image_store
from leora.extraction.models import Extraction, ExtractionKind, ExtractionStatus
from leora.extraction.parsing import (
    CARD_FIELDS,
    LICENCE_FIELDS,
    Parsed,
    find_phones,
    normalize_email,
    normalize_licence_number,
    parse,
    parse_date,
    region_of_timezone,
)
from leora.jobs.queue import job_enqueue
from leora.tenancy.actors import Actor
from leora.tenancy.models import Tenant
from leora.tenancy.services.audit import audit_record

log = logging.getLogger("leora.extraction")

JOB_TYPE = "image_extraction"
Progress = Callable[[float, str], None]


class ExtractionPermanentError(Exception):
    """The scan cannot be read however often it is tried (a damaged image)."""


def tenant_region(tenant: Tenant) -> str:
    """Return the country phone numbers without a country code are read in: the tenant's timezone's."""
    return region_of_timezone(tenant.timezone)


@transaction.atomic
def extraction_create(*, actor: Actor, kind: str, content: bytes, original_name: str = "") -> Extraction:
    """Check and store an uploaded image, record the scan and queue its OCR job; return the scan.

    413 over the size limit, 422 on ``image`` for anything that is not a JPEG, PNG, WebP or HEIC image
    (read from the bytes, whatever the name says) or has too many pixels, 422 on ``kind``.
    """
    if kind not in ExtractionKind.values:
        raise InvalidInput.on("kind", f"kind must be one of {', '.join(ExtractionKind.values)}")
    checked = image_check(content)
    relative = image_store(tenant_id=actor.tenant.pk, checked=checked)
    # The file is written before the row: if writing the row fails, the file goes too.
    try:
        extraction = Extraction.objects.create_for(
            actor.tenant, kind=kind, created_by=actor.user, image_path=relative,
            original_name=original_name[:255], content_type=checked.content_type, size_bytes=len(content),
            width=checked.width, height=checked.height,
        )  # fmt: skip
        job = job_enqueue(
            job_type=JOB_TYPE, payload={"extraction_id": extraction.pk}, tenant=actor.tenant,
            created_by=actor.user, idempotency_key=f"extraction:{extraction.pk}",
        )  # fmt: skip
    except BaseException:
        image_file(relative).unlink(missing_ok=True)
        raise
    extraction.job_id = job.pk
    extraction.save(update_fields=["job_id"])
    return extraction


def extraction_run(
    *,
    tenant: Tenant,
    extraction_id: int,
    progress: Progress,
    final_attempt: bool = True,
    engine: str | None = None,
) -> dict[str, Any]:
    """Read a scan's image and store the fields found; return a summary for the job's result.

    Running it again gives the same state (the fields are computed afresh from the same image); a scan
    already applied is left as it is. A damaged image raises ExtractionPermanentError; any other error
    (a file not reachable yet, a crashed engine) propagates to be retried, and the scan shows failed
    only after its ``final_attempt``.
    """
    extraction = Extraction.objects.for_tenant(tenant).filter(pk=extraction_id).first()
    if extraction is None:
        raise ExtractionPermanentError(f"scan {extraction_id} no longer exists")
    if extraction.status == ExtractionStatus.APPLIED:
        return _summary(extraction)
    Extraction.objects.for_tenant(tenant).filter(pk=extraction.pk).update(
        status=ExtractionStatus.PROCESSING, error=""
    )
    started = time.monotonic()
    try:
        progress(5, "Opening the image")
        try:
            image = image_open(extraction.image_path)
        except FileNotFoundError:
            raise  # storage not reachable (yet): worth another attempt
        except OSError as exc:
            raise ExtractionPermanentError(f"the image could not be read: {exc}") from exc
        parsed, engine_used, lines_text = _read(extraction.kind, image, tenant, progress, engine)
    except ExtractionPermanentError as exc:
        _fail(tenant, extraction, str(exc))
        raise
    except Exception as exc:
        if final_attempt:
            _fail(tenant, extraction, f"the scan could not be read: {exc}")
        raise
    progress(95, "Saving the fields")
    extraction.fields = parsed.fields_json()
    extraction.candidates = parsed.candidates_json()
    extraction.raw_text = lines_text
    extraction.engine = engine_used
    extraction.status = ExtractionStatus.COMPLETED
    extraction.error = ""
    extraction.seconds = round(time.monotonic() - started, 3)
    extraction.completed_at = timezone.now()
    with transaction.atomic():
        extraction.save(
            update_fields=[
                "fields",
                "candidates",
                "raw_text",
                "engine",
                "status",
                "error",
                "seconds",
                "completed_at",
            ]
        )
        event_emit(
            tenant_id=tenant.pk,
            event="extraction.completed",
            data={"extraction_id": extraction.pk, "kind": extraction.kind, "fields": extraction.fields},
        )
    progress(100, f"Read {len(extraction.fields)} fields")
    return _summary(extraction)


def _read(
    kind: str, image: Any, tenant: Tenant, progress: Progress, engine: str | None
) -> tuple[Parsed, str, str]:
    from leora.extraction.cloud import cloud_enabled, cloud_extract
    from leora.extraction.engines import engine_get

    region = tenant_region(tenant)
    if engine is None and cloud_enabled():
        progress(20, "Reading the text (cloud)")
        try:
            parsed = cloud_extract(kind=kind, image=image, region=region)
            return parsed, "cloud", ""
        except Exception as exc:  # the local engines are always there to fall back on
            log.warning("event=extraction.cloud_failed error=%r; reading locally", str(exc)[:200])
    reader = engine_get(engine)
    progress(20, f"Reading the text ({reader.name})")
    lines = reader.read(image)
    progress(80, "Finding the fields")
    return parse(kind, lines, region=region), reader.name, "\n".join(line.text for line in lines)


def _fail(tenant: Tenant, extraction: Extraction, message: str) -> None:
    Extraction.objects.for_tenant(tenant).filter(pk=extraction.pk).update(
        status=ExtractionStatus.FAILED, error=message[:1000]
    )


def _summary(extraction: Extraction) -> dict[str, Any]:
    return {
        "extraction_id": extraction.pk,
        "status": extraction.status,
        "engine": extraction.engine,
        "fields": {name: value.get("value", "") for name, value in extraction.fields.items()},
    }


# ------------------------------------------------------------------------------------------- apply


@dataclass(frozen=True)
class Applied:
    customer: Customer
    contact: Contact | None
    customer_created: bool
    contact_created: bool


def field_values(extraction: Extraction) -> dict[str, str]:
    """Return the scan's current value of every field of its kind ("" when none was read)."""
    names = LICENCE_FIELDS if extraction.kind == ExtractionKind.LICENSE else CARD_FIELDS
    return {name: str(extraction.fields.get(name, {}).get("value", "")) for name in names}


def clean_values(*, kind: str, values: dict[str, str], region: str) -> dict[str, str]:
    """Normalise reviewed values (E.164 phone, lower-case email, ISO date); 422 naming a bad field."""
    names = LICENCE_FIELDS if kind == ExtractionKind.LICENSE else CARD_FIELDS
    unknown = set(values) - set(names)
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], f"{kind} scans have no field {sorted(unknown)[0]!r}")
    cleaned = {name: " ".join(str(values.get(name, "") or "").split()) for name in names}
    if cleaned.get("email"):
        email = normalize_email(cleaned["email"])
        if email is None:
            raise InvalidInput.on("email", "enter a valid email address")
        cleaned["email"] = email
    if cleaned.get("phone"):
        phones = find_phones(cleaned["phone"], region)
        if not phones:
            raise InvalidInput.on("phone", "enter a phone number (with its area code)")
        cleaned["phone"] = phones[0]
    if cleaned.get("licence_number"):
        cleaned["licence_number"] = normalize_licence_number(cleaned["licence_number"])
    if cleaned.get("expiry_date"):
        date = parse_date(cleaned["expiry_date"], region=region)
        if date is None:
            raise InvalidInput.on("expiry_date", "enter a date such as 2027-06-30")
        cleaned["expiry_date"] = date.isoformat()
    return cleaned


ADDRESS_RE = re.compile(
    r"^(?P<street>.+?),\s*(?P<city>[^,]+?),\s*(?P<region>[A-Za-z]{2,})\.?\s+(?P<postal>[A-Za-z0-9 \-]{3,10})$"
)


def address_parts(address: str) -> dict[str, str]:
    """Split "1740 Market St, Oakland, CA 94642" into street, city, region and postal code; an address
    in another shape is kept whole as the street."""
    match = ADDRESS_RE.match(address.strip())
    if not match:
        return {"street": address.strip()[:200]} if address.strip() else {}
    return {
        "street": match["street"].strip()[:200], "city": match["city"].strip()[:100],
        "region": match["region"].strip()[:100], "postal_code": match["postal"].strip()[:20],
    }  # fmt: skip


def _licence_type(licence_class: str) -> str:
    text = licence_class.lower()
    if "off-sale" in text or "off-premise" in text or "off sale" in text or "retail" in text:
        return LicenceType.OFF_PREMISE
    if "on-sale" in text or "on-premise" in text or "on sale" in text:
        return LicenceType.ON_PREMISE
    return LicenceType.NONE


@transaction.atomic
def extraction_apply(
    *,
    actor: Actor,
    extraction: Extraction,
    values: dict[str, str] | None = None,
    customer_id: int | None = None,
    contact_id: int | None = None,
) -> Applied:
    """Write the reviewed fields into the CRM: update the customer (and contact) chosen among the
    matches, or create them. Goes through crm's services, so their role rules and audit hold; a rep's
    new customer lands in their own book. A scan is applied once (409 after)."""
    locked = Extraction.objects.for_tenant(actor.tenant).select_for_update().get(pk=extraction.pk)
    if locked.status == ExtractionStatus.APPLIED:
        raise Conflict("this scan has already been applied")
    if locked.status != ExtractionStatus.COMPLETED:
        raise Conflict("this scan has not been read yet; wait for it to finish")
    region = tenant_region(actor.tenant)
    merged = {**field_values(locked), **(values or {})}
    cleaned = clean_values(kind=locked.kind, values=merged, region=region)
    contact: Contact | None = None
    customer: Customer | None = None
    if contact_id is not None:
        contact = get_visible(
            scope_by_customer(Contact.objects.for_tenant(actor.tenant), actor).select_related("customer"),
            contact_id, "contact",
        )  # fmt: skip
        customer = contact.customer
    if customer_id is not None:
        customer = visible_customers(actor).filter(pk=customer_id).first()
        if customer is None:
            raise InvalidInput.on("customer_id", f"no customer with id {customer_id} that you can see")
        if contact is not None and contact.customer_id != customer.pk:
            raise InvalidInput.on("contact_id", "that contact belongs to another customer")
    if locked.kind == ExtractionKind.LICENSE:
        customer, created = _apply_licence(actor, cleaned, customer)
        contact_created = False
    else:
        customer, created, contact, contact_created = _apply_card(actor, cleaned, customer, contact)
    # The fields as applied, so the scan shows what went into the CRM.
    locked.fields = {
        name: {**locked.fields.get(name, {"confidence": 1.0, "raw": ""}), "value": value}
        for name, value in cleaned.items() if value or name in locked.fields
    }  # fmt: skip
    locked.status = ExtractionStatus.APPLIED
    locked.applied_customer = customer
    locked.applied_contact = contact
    locked.applied_at = timezone.now()
    locked.save(update_fields=["fields", "status", "applied_customer", "applied_contact", "applied_at"])
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="extraction.apply", obj=locked,
        after={"customer": customer.pk, "contact": contact.pk if contact else None,
               "customer_created": created, "contact_created": contact_created},
    )  # fmt: skip
    return Applied(customer, contact, created, contact_created)


def _blank_fill(customer: Customer, proposed: dict[str, Any]) -> dict[str, Any]:
    """The proposed customer fields that are empty on the customer now (an update never overwrites)."""
    return {name: value for name, value in proposed.items() if value and not getattr(customer, name)}


def _apply_card(
    actor: Actor, values: dict[str, str], customer: Customer | None, contact: Contact | None
) -> tuple[Customer, bool, Contact, bool]:
    if not values["person_name"]:
        raise InvalidInput.on("person_name", "Give the contact a name.")
    account: dict[str, Any] = {
        **address_parts(values["address"]),
        "phone": values["phone"],
        "email": values["email"],
    }
    created = customer is None
    if customer is None:
        if not values["company"]:
            raise InvalidInput.on("company", "Give the account a name (the company on the card).")
        notes = f"Website: {values['website']}" if values["website"] else ""
        customer = customer_create(actor=actor, name=values["company"][:200], notes=notes, **account)
    else:
        customer = customer_update(actor=actor, customer=customer, changes=_blank_fill(customer, account))
    person = {"name": values["person_name"][:200], "title": values["title"][:100],
              "email": values["email"], "phone": values["phone"]}  # fmt: skip
    if contact is None:
        has_contacts = Contact.objects.for_tenant(actor.tenant).filter(customer_id=customer.pk).exists()
        contact = contact_create(actor=actor, customer_id=customer.pk, is_primary=not has_contacts, **person)
        return customer, created, contact, True
    changes = {name: value for name, value in person.items() if value}
    return customer, created, contact_update(actor=actor, contact=contact, changes=changes), False


def _apply_licence(actor: Actor, values: dict[str, str], customer: Customer | None) -> tuple[Customer, bool]:
    account: dict[str, Any] = {
        **address_parts(values["premises_address"]),
        "licence_number": values["licence_number"][:40],
    }
    licence_type = _licence_type(values["licence_class"])
    if licence_type:
        account["licence_type"] = licence_type
    if customer is None:
        if not values["licensee"]:
            raise InvalidInput.on("licensee", "Give the account a name (the licensee).")
        notes = "; ".join(
            part for part in (
                f"Licence class: {values['licence_class']}" if values["licence_class"] else "",
                f"Licence expires {values['expiry_date']}" if values["expiry_date"] else "",
            ) if part
        )  # fmt: skip
        return customer_create(actor=actor, name=values["licensee"][:200], notes=notes, **account), True
    changes = _blank_fill(customer, account)
    if values["licence_number"]:
        changes["licence_number"] = account["licence_number"]  # a renewed licence replaces the old number
    return customer_update(actor=actor, customer=customer, changes=changes), False
