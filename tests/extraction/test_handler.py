"""The image_extraction job, run for real: RapidOCR (and once Tesseract) reads a generated card."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.events import business_event
from leora.extraction.files import image_file
from leora.extraction.models import ExtractionStatus
from leora.extraction.samples import Sample
from leora.extraction.services import extraction_run
from leora.jobs.models import Job, JobStatus
from tests.conftest import World
from tests.extraction.conftest import job_of, read_all, reload, scan

pytestmark = pytest.mark.django_db


def values(extraction: Any) -> dict[str, str]:
    return {name: field["value"] for name, field in extraction.fields.items()}


def test_a_card_is_read_into_its_fields(world: World, card: Sample, card_png: bytes) -> None:
    extraction = scan(world.acme, world.rep1, card_png)
    read_all()
    stored = reload(extraction)
    assert stored.status == ExtractionStatus.COMPLETED
    assert stored.engine == "rapidocr"
    assert values(stored) == card.truth
    assert all(0 < field["confidence"] <= 1 and field["raw"] for field in stored.fields.values())


def test_the_job_ends_at_100_percent_with_its_result(world: World, small_card_png: bytes) -> None:
    extraction = scan(world.acme, world.rep1, small_card_png)
    read_all()
    job = job_of(extraction)
    assert (job.status, job.progress) == (JobStatus.COMPLETED, 100)
    assert job.progress_message.startswith("Read ")
    assert job.result is not None and job.result["extraction_id"] == extraction.pk


def test_reading_reports_progress_at_each_step(world: World, small_card_png: bytes) -> None:
    extraction = scan(world.acme, world.rep1, small_card_png)
    reported: list[tuple[float, str]] = []
    extraction_run(
        tenant=world.acme, extraction_id=extraction.pk, progress=lambda p, m: reported.append((p, m))
    )
    assert [p for p, _ in reported] == [5, 20, 80, 95, 100]
    assert reported[1][1] == "Reading the text (rapidocr)"


def test_tesseract_reads_the_card_too(world: World, card: Sample, card_png: bytes) -> None:
    extraction = scan(world.acme, world.rep1, card_png)
    extraction_run(
        tenant=world.acme, extraction_id=extraction.pk, progress=lambda p, m: None, engine="tesseract"
    )
    stored = reload(extraction)
    assert stored.engine == "tesseract"
    assert (values(stored)["email"], values(stored)["phone"]) == (card.truth["email"], card.truth["phone"])


def test_running_the_job_twice_gives_the_same_state(world: World, small_card_png: bytes) -> None:
    extraction = scan(world.acme, world.rep1, small_card_png)
    extraction_run(tenant=world.acme, extraction_id=extraction.pk, progress=lambda p, m: None)
    first = reload(extraction)
    extraction_run(tenant=world.acme, extraction_id=extraction.pk, progress=lambda p, m: None)
    second = reload(extraction)
    assert (second.status, second.fields, second.candidates, second.raw_text) == (
        first.status, first.fields, first.candidates, first.raw_text,
    )  # fmt: skip


def test_a_missing_image_is_retried_and_read_once_it_is_back(world: World, small_card_png: bytes) -> None:
    # given a scan whose file storage is not reachable on the first attempt
    extraction = scan(world.acme, world.rep1, small_card_png)
    path = image_file(extraction.image_path)
    away = path.with_suffix(".away")
    path.rename(away)
    read_all()
    job = job_of(extraction)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert reload(extraction).status == ExtractionStatus.PROCESSING
    # when the file is back and the retry comes due
    away.rename(path)
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    read_all()
    # then the second attempt reads it
    assert (job_of(extraction).status, job_of(extraction).attempts) == (JobStatus.COMPLETED, 2)
    assert reload(extraction).status == ExtractionStatus.COMPLETED


def test_a_damaged_image_fails_at_once_with_a_plain_message(world: World, small_card_png: bytes) -> None:
    extraction = scan(world.acme, world.rep1, small_card_png)
    image_file(extraction.image_path).write_bytes(small_card_png[:300])
    read_all()
    job = job_of(extraction)
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    stored = reload(extraction)
    assert stored.status == ExtractionStatus.FAILED
    assert stored.error.startswith("the image could not be read")


def test_a_finished_scan_announces_extraction_completed(
    world: World, small_card_png: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[dict[str, Any]] = []

    def listener(**kwargs: Any) -> None:
        heard.append(kwargs)

    business_event.connect(listener, weak=False)
    try:
        extraction = scan(world.acme, world.rep1, small_card_png)
        with django_capture_on_commit_callbacks(execute=True):
            extraction_run(tenant=world.acme, extraction_id=extraction.pk, progress=lambda p, m: None)
    finally:
        business_event.disconnect(listener)
    [event] = [h for h in heard if h["event"] == "extraction.completed"]
    assert (event["tenant_id"], event["data"]["extraction_id"]) == (world.acme.pk, extraction.pk)


def test_a_job_naming_another_tenants_scan_fails_without_touching_it(
    world: World, small_card_png: bytes
) -> None:
    from leora.jobs.queue import job_enqueue

    theirs = scan(world.other, world.other_rep, small_card_png)
    Job.objects.filter(pk=str(theirs.job_id)).delete()  # only the misdirected job runs
    job = job_enqueue(job_type="image_extraction", payload={"extraction_id": theirs.pk}, tenant=world.acme)
    read_all()
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert reload(theirs).status == ExtractionStatus.PENDING
