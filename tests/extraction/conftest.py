"""Fixtures of the scan tests: documents rendered once per session, and uploading and reading them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leora.extraction.models import Extraction
from leora.extraction.samples import Sample, card_sample, licence_sample
from leora.extraction.services import extraction_create
from leora.jobs.models import Job
from leora.jobs.queue import job_claim
from leora.jobs.runner import run_job
from leora.tenancy.models import Tenant, User
from tests.factories import actor


@pytest.fixture(scope="session")
def card() -> Sample:
    return card_sample(seed=3)


@pytest.fixture(scope="session")
def card_png(card: Sample) -> bytes:
    return card.encoded("PNG")


@pytest.fixture(scope="session")
def small_card_png(card: Sample) -> bytes:
    """The card at half size: quicker to read, for tests about the job rather than the reading."""
    import io

    buffer = io.BytesIO()
    card.image.resize((card.image.width // 2, card.image.height // 2)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def licence() -> Sample:
    return licence_sample(seed=5)


@dataclass
class Scanned:
    extraction: Extraction
    job: Job


def scan(tenant: Tenant, user: User, content: bytes, kind: str = "business_card") -> Extraction:
    """Upload ``content`` as ``user`` (the service the API and the page call)."""
    return extraction_create(actor=actor(tenant, user), kind=kind, content=content, original_name="card.png")


def read_all() -> None:
    """Run every ready scan job to its outcome in this thread, as a worker would (claim, run, record).

    The jobs runner itself, without process_jobs' lease-keeping thread: a slow read on a busy machine
    would have that thread touch the test database from outside the test."""
    while claimed := job_claim(worker_id="test-worker", types=["image_extraction"]):
        run_job(claimed[0], worker_id="test-worker")


def reload(extraction: Extraction) -> Extraction:
    return Extraction.objects.for_tenant(extraction.tenant_id).get(pk=extraction.pk)


def job_of(extraction: Extraction) -> Job:
    assert extraction.job_id is not None
    return Job.objects.get(pk=extraction.job_id)


def upload(
    client: Any, headers: dict[str, str], content: bytes, name: str, kind: str = "business_card"
) -> Any:
    """POST /api/extractions as multipart, the way a phone app or script would."""
    image = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post("/api/extractions", data={"image": image, "kind": kind}, headers=headers)
