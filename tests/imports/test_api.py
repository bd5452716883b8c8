"""The imports API: 202 with the job, the import's counts and rejected rows, the error CSV, the list;
admins only, and another tenant's import is a 404."""

from __future__ import annotations

import json
from typing import Any

from leora.crm.models import Customer
from leora.imports.models import ImportMapping
from tests.conftest import World
from tests.imports.conftest import csv_file, run_jobs

FILE = "Acct,Venue\nA-1,One\nA-2,\nA-3,Three\n"
MAPPING = {"Acct": "account_number", "Venue": "name"}


def _post(api: Any, **data: Any) -> Any:
    return api.client.post("/api/imports", data, headers=api.headers)


def test_posting_a_file_answers_202_with_the_job(world: World, api_as: Any) -> None:
    api = api_as(world.admin)

    response = _post(
        api, file=csv_file(FILE), entity="customers", mode="skip_bad_rows", mapping=json.dumps(MAPPING)
    )

    assert response.status_code == 202
    body = response.json()
    assert api.get(f"/api/jobs/{body['job_id']}").json()["type"] == "bulk_import"
    assert body["url"] == f"/api/imports/{body['id']}"


def test_the_import_shows_its_counts_and_rejected_rows(world: World, api_as: Any) -> None:
    api = api_as(world.admin)
    created = _post(
        api, file=csv_file(FILE), entity="customers", mode="skip_bad_rows", mapping=json.dumps(MAPPING)
    )
    run_jobs()

    body = api.get(f"/api/imports/{created.json()['id']}").json()

    assert body["status"] == "completed"
    assert body["counts"] == {
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "error_rows": 1,
    }
    assert body["errors"] == [
        {"row": 3, "problems": [{"column": "Venue", "message": "is empty; every row needs it"}]}
    ]
    assert body["progress"] == 100
    csv_text = b"".join(api.client.get(body["errors_url"], headers=api.headers).streaming_content).decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[1] == "3,Venue: is empty; every row needs it,A-2,"


def test_an_explicit_mapping_is_kept_for_the_next_file(world: World, api_as: Any) -> None:
    api = api_as(world.admin)
    _post(api, file=csv_file(FILE), entity="customers", mode="dry_run", mapping=json.dumps(MAPPING))

    second = _post(api, file=csv_file(FILE), entity="customers", mode="dry_run")

    assert second.status_code == 202
    assert api.get(f"/api/imports/{second.json()['id']}").json()["mapping"] == MAPPING
    assert (
        ImportMapping.objects.for_tenant(world.acme).get(entity="customers").mapping["acct"]
        == "account_number"
    )


def test_the_list_holds_the_tenants_imports(world: World, api_as: Any) -> None:
    api = api_as(world.admin)
    _post(api, file=csv_file(FILE), entity="customers", mode="dry_run", mapping=json.dumps(MAPPING))

    body = api.get("/api/imports").json()

    assert body["total"] == 1
    assert body["items"][0]["entity"] == "customers"


def test_managers_and_reps_may_not_import(world: World, api_as: Any) -> None:
    for user in (world.manager, world.rep1):
        api = api_as(user)
        response = _post(api, file=csv_file(FILE), entity="customers", mapping=json.dumps(MAPPING))
        assert response.status_code == 403
        assert api.get("/api/imports").status_code == 403
    assert Customer.objects.for_tenant(world.acme).count() == 0


def test_an_unknown_entity_or_bad_mapping_is_a_422_naming_the_field(world: World, api_as: Any) -> None:
    api = api_as(world.admin)

    unknown = _post(api, file=csv_file(FILE), entity="invoices")
    bad_json = _post(api, file=csv_file(FILE), entity="customers", mapping="{nope")
    no_file = _post(api, entity="customers")

    assert unknown.status_code == 422 and "entity" in json.dumps(unknown.json()["errors"])
    assert bad_json.status_code == 422 and bad_json.json()["errors"][0]["field"] == "mapping"
    assert no_file.status_code == 422 and "file" in json.dumps(no_file.json()["errors"])


def test_another_tenants_import_is_a_404(world: World, api_as: Any) -> None:
    other = api_as(world.other_admin)
    created = _post(
        other, file=csv_file(FILE), entity="customers", mode="dry_run", mapping=json.dumps(MAPPING)
    )

    api = api_as(world.admin)

    assert api.get(f"/api/imports/{created.json()['id']}").status_code == 404
    assert api.get(f"/api/imports/{created.json()['id']}/errors.csv").status_code == 404
