"""The imports pages: upload, mapping, start, the status fragment that stops polling once done; admins
only, and another tenant's import is a 404."""

from __future__ import annotations

from typing import Any

from django.test import Client

from leora.crm.models import Customer
from leora.imports.models import ImportRun, ImportStatus
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World
from tests.imports.conftest import csv_file, do_import, run_jobs

FILE = "Acct no,Venue,Town\nA-1,One,Napa\nA-2,Two,Sonoma\n"


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _uploaded(client: Client) -> ImportRun:
    response = client.post("/imports/upload/", {"entity": "customers", "file": csv_file(FILE)})
    assert response.status_code == 302, response.content
    with scopes_disabled():
        return ImportRun.objects.get()


def test_an_upload_shows_a_select_per_column_guessed_from_its_header(world: World) -> None:
    client = _signed_in(world.admin)
    run = _uploaded(client)

    page = client.get(f"/imports/{run.pk}/").content.decode()

    assert '<option value="account_number" selected>' in page
    assert '<option value="city" selected>' in page
    assert "Sonoma" in page  # the preview
    assert run.status == ImportStatus.UPLOADED


def test_starting_with_a_changed_mapping_runs_it_and_the_fragment_stops_polling(world: World) -> None:
    client = _signed_in(world.admin)
    run = _uploaded(client)

    choices = {
        "action": "apply",
        "mode": "skip_bad_rows",
        "map-0": "account_number",
        "map-1": "name",
        "map-2": "",
    }

    response = client.post(f"/imports/{run.pk}/start/", choices)
    assert response.status_code == 302
    polling = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    run_jobs()
    done = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 1s"' in polling
    assert 'hx-trigger="every 1s"' not in done and 'data-testid="count-created">2<' in done
    assert list(Customer.objects.for_tenant(world.acme).values_list("city", flat=True)) == ["", ""]


def test_a_mapping_without_a_required_field_is_shown_and_starts_nothing(world: World) -> None:
    client = _signed_in(world.admin)
    run = _uploaded(client)

    response = client.post(f"/imports/{run.pk}/start/", {"action": "dry_run", "map-0": "", "map-1": "name"})

    assert response.status_code == 422
    assert "The file needs a column for Account number" in response.content.decode()
    with scopes_disabled():
        assert ImportRun.objects.get().job_id is None


def test_a_file_that_is_no_spreadsheet_is_refused_on_the_upload_form(world: World) -> None:
    client = _signed_in(world.admin)

    response = client.post("/imports/upload/", {"entity": "customers", "file": csv_file("", name="x.csv")})

    assert response.status_code == 422
    assert "The file is empty." in response.content.decode()


def test_managers_get_the_403_page(world: World) -> None:
    assert _signed_in(world.manager).get("/imports/").status_code == 403


def test_another_tenants_import_page_is_a_404(world: World) -> None:
    run = do_import(factories.actor(world.other, world.other_admin), "customers", csv_file(FILE), "dry_run")
    client = _signed_in(world.admin)

    assert client.get(f"/imports/{run.pk}/").status_code == 404
    assert client.get(f"/imports/{run.pk}/errors.csv").status_code == 404
    assert client.post(f"/imports/{run.pk}/start/", {"action": "apply"}).status_code == 404
