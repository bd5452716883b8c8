"""The scan pages: upload from /scan/, review beside the image, apply; the image only for who may see it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from leora.crm.models import Contact, Customer
from leora.extraction.models import Extraction, ExtractionStatus
from leora.tenancy.scoping import scopes_disabled
from tests.conftest import World
from tests.extraction.conftest import scan

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def photo(name: str = "card.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else png(), content_type="image/png")


def completed(world: World, user: Any) -> Extraction:
    extraction = scan(world.acme, user, png())
    fields = {
        "person_name": {"value": "Maria Gonzalez", "confidence": 0.95, "raw": "Maria Gonzalez"},
        "company": {"value": "Vineyard Bistro LLC", "confidence": 0.5, "raw": "Vineyard Bistro LLC"},
        "email": {"value": "maria@vineyardbistro.com", "confidence": 0.99, "raw": "maria@vineyardbistro.com"},
    }
    with scopes_disabled():
        Extraction.objects.filter(pk=extraction.pk).update(
            status=ExtractionStatus.COMPLETED, fields=fields, completed_at=timezone.now()
        )
    return extraction


def test_the_scan_page_offers_a_camera_friendly_upload_of_several_photos(world: World) -> None:
    html = signed_in(world.rep1).get("/scan/").content.decode()
    assert 'type="file" name="images" accept="image/*" capture="environment" multiple' in html


def test_uploading_one_photo_opens_its_review_page(world: World) -> None:
    response = signed_in(world.rep1).post("/scan/upload/", {"kind": "business_card", "images": [photo()]})
    with scopes_disabled():
        extraction = Extraction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/scan/{extraction.pk}/"


def test_uploading_several_photos_queues_a_scan_for_each(world: World) -> None:
    response = signed_in(world.rep1).post(
        "/scan/upload/", {"kind": "license", "images": [photo(), photo("b.png")]}
    )
    assert (response.status_code, response["Location"]) == (302, "/scan/")
    with scopes_disabled():
        assert list(Extraction.objects.values_list("kind", flat=True)) == ["license", "license"]


def test_a_file_that_is_not_an_image_is_refused_on_the_page(world: World) -> None:
    response = signed_in(world.rep1).post(
        "/scan/upload/", {"kind": "business_card", "images": [photo("notes.png", b"just text")]}
    )
    assert response.status_code == 422
    assert "notes.png: this file is not a JPEG, PNG, WebP or HEIC image" in response.content.decode()


def test_the_list_shows_recent_scans_with_their_status_and_review_link(world: World) -> None:
    extraction = completed(world, world.rep1)
    html = signed_in(world.rep1).get("/scan/").content.decode()
    assert f'href="/scan/{extraction.pk}/"' in html
    assert "Ready to review" in html and "Maria Gonzalez · Vineyard Bistro LLC" in html


def test_a_scan_being_read_shows_its_progress_and_polls(world: World) -> None:
    extraction = scan(world.acme, world.rep1, png())
    html = signed_in(world.rep1).get(f"/scan/{extraction.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in html and 'role="progressbar"' in html


def test_the_review_page_highlights_low_confidence_fields(world: World) -> None:
    extraction = completed(world, world.rep1)
    html = signed_in(world.rep1).get(f"/scan/{extraction.pk}/").content.decode()
    assert 'class="field scan-field scan-field-low"' in html  # the company, read at 0.5
    assert 'value="Vineyard Bistro LLC"' in html


def test_applying_from_the_page_creates_the_contact_and_opens_the_account(world: World) -> None:
    extraction = completed(world, world.rep1)
    response = signed_in(world.rep1).post(
        f"/scan/{extraction.pk}/apply/",
        {"person_name": "María Gonzalez", "company": "Vineyard Bistro LLC", "target": "new"},
    )
    with scopes_disabled():
        customer = Customer.objects.get()
        assert Contact.objects.get().name == "María Gonzalez"
    assert response["Location"] == f"/customers/{customer.pk}/"


def test_a_bad_correction_on_the_page_shows_the_error_beside_the_field(world: World) -> None:
    extraction = completed(world, world.rep1)
    response = signed_in(world.rep1).post(
        f"/scan/{extraction.pk}/apply/",
        {"person_name": "Maria", "company": "V", "email": "nope", "target": "new"},
    )
    assert response.status_code == 422
    assert "enter a valid email address" in response.content.decode()
    with scopes_disabled():
        assert Customer.objects.count() == 0


def test_the_image_is_served_to_the_scans_owner(world: World) -> None:
    extraction = scan(world.acme, world.rep1, png())
    response = signed_in(world.rep1).get(f"/scan/{extraction.pk}/image/")
    assert (response.status_code, response["Content-Type"], response.content) == (200, "image/png", png())


def test_the_image_is_404_for_a_colleague_and_for_another_tenant(world: World) -> None:
    extraction = scan(world.acme, world.rep1, png())
    assert signed_in(world.rep2).get(f"/scan/{extraction.pk}/image/").status_code == 404
    assert signed_in(world.other_admin).get(f"/scan/{extraction.pk}/image/").status_code == 404
    assert signed_in(world.other_admin).get(f"/scan/{extraction.pk}/").status_code == 404


def test_the_image_needs_a_signed_in_person(world: World) -> None:
    extraction = scan(world.acme, world.rep1, png())
    assert Client().get(f"/scan/{extraction.pk}/image/").status_code == 302


def test_a_manager_reviews_their_reps_scan(world: World) -> None:
    extraction = completed(world, world.rep1)
    assert signed_in(world.manager).get(f"/scan/{extraction.pk}/").status_code == 200
