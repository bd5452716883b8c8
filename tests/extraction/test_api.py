"""POST /api/extractions and the reads: bad input refused, the real type read from the bytes, role scopes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from leora.extraction import files
from leora.extraction.models import Extraction
from leora.jobs.models import Job
from leora.tenancy.scoping import scopes_disabled
from tests.conftest import World
from tests.extraction.conftest import scan, upload

pytestmark = pytest.mark.django_db


def small_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def as_user(api_as: Any, user: Any) -> tuple[Any, dict[str, str]]:
    api = api_as(user)
    return api.client, api.headers


def count_scans() -> int:
    with scopes_disabled():
        return Extraction.objects.count()


def test_an_upload_answers_202_with_the_scan_and_its_job(world: World, api_as: Any, card_png: bytes) -> None:
    client, headers = as_user(api_as, world.rep1)
    response = upload(client, headers, card_png, "card.png")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert Job.objects.get(pk=body["job_id"]).payload == {"extraction_id": body["id"]}


def test_the_image_is_stored_under_media_root_per_tenant(
    world: World, api_as: Any, card_png: bytes, settings: Any
) -> None:
    client, headers = as_user(api_as, world.rep1)
    scan_id = upload(client, headers, card_png, "card.png").json()["id"]
    with scopes_disabled():
        stored = Extraction.objects.get(pk=scan_id)
    assert stored.image_path.startswith(f"extractions/{world.acme.pk}/")
    assert (settings.MEDIA_ROOT / stored.image_path).read_bytes() == card_png


def test_a_png_named_jpg_is_accepted_by_its_bytes(world: World, api_as: Any) -> None:
    client, headers = as_user(api_as, world.rep1)
    response = upload(client, headers, small_png(), "photo.jpg")
    assert response.status_code == 202
    with scopes_disabled():
        assert Extraction.objects.get(pk=response.json()["id"]).content_type == "image/png"


def test_a_text_file_named_png_is_refused(world: World, api_as: Any) -> None:
    client, headers = as_user(api_as, world.rep1)
    response = upload(client, headers, b"name,email\nMaria,m@x.com\n", "card.png")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "image", "message": "this file is not a JPEG, PNG, WebP or HEIC image"}
    ]
    assert count_scans() == 0


def test_a_truncated_image_is_refused(world: World, api_as: Any) -> None:
    client, headers = as_user(api_as, world.rep1)
    response = upload(client, headers, small_png()[:40], "card.png")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "image"


def test_a_file_over_the_size_limit_is_413(world: World, api_as: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(files, "MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr("leora.extraction.api.MAX_UPLOAD_BYTES", 1000)
    client, headers = as_user(api_as, world.rep1)
    response = upload(client, headers, small_png() + b"\0" * 2000, "card.png")
    assert response.status_code == 413
    assert "limit is" in response.json()["detail"]
    assert count_scans() == 0


def test_an_image_with_too_many_pixels_is_422(world: World, api_as: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(files, "MAX_PIXELS", 60 * 40 - 1)
    client, headers = as_user(api_as, world.rep1)
    response = upload(client, headers, small_png(), "card.png")
    assert response.status_code == 422
    assert "megapixels" in response.json()["errors"][0]["message"]


def test_an_unknown_kind_is_422_naming_it(world: World, api_as: Any) -> None:
    client, headers = as_user(api_as, world.rep1)
    response = upload(client, headers, small_png(), "card.png", kind="menu")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


def test_a_heic_photo_is_accepted(world: World, api_as: Any) -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(buffer, format="HEIF")
    client, headers = as_user(api_as, world.rep1)
    response = upload(client, headers, buffer.getvalue(), "IMG_0001.HEIC")
    assert response.status_code == 202
    image = client.get(f"/api/extractions/{response.json()['id']}/image", headers=headers)
    assert image["Content-Type"] == "image/jpeg"


def test_a_rep_lists_only_their_own_scans(world: World, api_as: Any) -> None:
    mine = scan(world.acme, world.rep1, small_png())
    scan(world.acme, world.rep2, small_png())
    client, headers = as_user(api_as, world.rep1)
    body = client.get("/api/extractions", headers=headers).json()
    assert [item["id"] for item in body["items"]] == [mine.pk]


def test_a_manager_lists_the_teams_scans_but_not_a_rep_outside_it(world: World, api_as: Any) -> None:
    team = [scan(world.acme, world.rep1, small_png()).pk, scan(world.acme, world.rep2, small_png()).pk]
    scan(world.acme, world.rep3, small_png())
    client, headers = as_user(api_as, world.manager)
    body = client.get("/api/extractions", headers=headers).json()
    assert sorted(item["id"] for item in body["items"]) == sorted(team)


def test_an_admin_lists_every_scan_of_the_tenant(world: World, api_as: Any) -> None:
    for user in (world.rep1, world.rep3, world.manager):
        scan(world.acme, user, small_png())
    scan(world.other, world.other_rep, small_png())
    client, headers = as_user(api_as, world.admin)
    assert client.get("/api/extractions", headers=headers).json()["total"] == 3


def test_a_colleagues_scan_is_404_for_a_rep(world: World, api_as: Any) -> None:
    theirs = scan(world.acme, world.rep2, small_png())
    client, headers = as_user(api_as, world.rep1)
    assert client.get(f"/api/extractions/{theirs.pk}", headers=headers).status_code == 404
    assert client.get(f"/api/extractions/{theirs.pk}/image", headers=headers).status_code == 404


def test_another_tenants_scan_is_404(world: World, api_as: Any) -> None:
    theirs = scan(world.other, world.other_rep, small_png())
    client, headers = as_user(api_as, world.admin)
    assert client.get(f"/api/extractions/{theirs.pk}", headers=headers).status_code == 404
    assert client.post(f"/api/extractions/{theirs.pk}/apply", data={}, content_type="application/json",
                       headers=headers).status_code == 404  # fmt: skip


def test_a_scan_waiting_for_its_job_shows_its_status_and_no_fields(world: World, api_as: Any) -> None:
    mine = scan(world.acme, world.rep1, small_png())
    client, headers = as_user(api_as, world.rep1)
    body = client.get(f"/api/extractions/{mine.pk}", headers=headers).json()
    assert (body["status"], body["progress"], body["matches"]) == ("pending", 0, [])
    assert all(field["value"] == "" for field in body["fields"])


def test_the_openapi_schema_lists_the_scan_operations_behind_bearer_auth(client: Any) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    operations = {
        (method.upper(), path): operation
        for path, methods in paths.items()
        if path.startswith("/api/extractions")
        for method, operation in methods.items()
    }
    assert set(operations) == {
        ("POST", "/api/extractions"),
        ("GET", "/api/extractions"),
        ("GET", "/api/extractions/{extraction_id}"),
        ("GET", "/api/extractions/{extraction_id}/image"),
        ("POST", "/api/extractions/{extraction_id}/apply"),
    }
    assert all(
        any("TokenAuth" in requirement for requirement in operation["security"])
        for operation in operations.values()
    )
