from datetime import timedelta
from typing import Any

import pytest
import yaml
from django.utils import timezone

from leora.metrics.defaults import TEMPLATES
from leora.metrics.models import MetricDefinition, MetricVersion
from leora.tenancy.models import AuditEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

BROWSER_FORMULA = "days_since_last_order > 21 and (balance_due > 500 or account_type = 'TARGET')"


def create(
    client: Any, code: str = "late_payers", formula: str = "overdue_balance > 100", **extra: Any
) -> Any:
    body = {
        "code": code,
        "name": extra.pop("name", "Late payers"),
        "kind": "segment",
        "formula": formula,
        **extra,
    }
    return client.post("/api/metrics/definitions", body)


# -- list ------------------------------------------------------------------------------------------


def test_every_new_tenant_starts_with_the_template_definitions(world: World, api_as: Any) -> None:
    body = api_as(world.rep1).get("/api/metrics/definitions", page_size=100).json()
    assert body["total"] == len(TEMPLATES) >= 12
    assert {"at_risk_customer", "dormant_customer", "due_to_order"} <= {i["code"] for i in body["items"]}


def test_the_list_is_paginated(world: World, api_as: Any) -> None:
    body = api_as(world.admin).get("/api/metrics/definitions", page=2, page_size=5, ordering="code").json()
    assert (body["page"], body["page_size"], body["total"]) == (2, 5, len(TEMPLATES))
    codes = sorted(t.code for t in TEMPLATES)
    assert [i["code"] for i in body["items"]] == codes[5:10]


def test_search_covers_code_name_and_description(world: World, api_as: Any) -> None:
    client = api_as(world.manager)
    assert [i["code"] for i in client.get("/api/metrics/definitions", search="dormant_").json()["items"]] == [
        "dormant_customer"
    ]
    by_description = client.get("/api/metrics/definitions", search="tasting").json()["items"]
    assert [i["code"] for i in by_description] == ["contacted_recently"]


def test_the_list_filters_by_kind(world: World, api_as: Any) -> None:
    items = api_as(world.admin).get("/api/metrics/definitions", kind="value").json()["items"]
    assert {i["code"] for i in items} == {"health_score", "days_overdue"}


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, api_as: Any, django_assert_num_queries: Any
) -> None:
    client = api_as(world.admin)
    # token lookup, its last-used stamp, membership, count, page (current version joined).
    with django_assert_num_queries(5):
        response = client.get("/api/metrics/definitions", page_size=100)
    assert response.json()["items"][0]["formula"]


def test_the_list_shows_only_this_tenants_definitions(world: World, api_as: Any) -> None:
    create(api_as(world.other_admin), code="other_only")
    codes = {
        i["code"] for i in api_as(world.admin).get("/api/metrics/definitions", page_size=100).json()["items"]
    }
    assert "other_only" not in codes


def test_unknown_ordering_is_422(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get("/api/metrics/definitions", ordering="formula")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


# -- create ----------------------------------------------------------------------------------------


def test_an_admin_creates_a_definition_with_version_1_and_an_audit_event(world: World, api_as: Any) -> None:
    response = create(api_as(world.admin), formula=BROWSER_FORMULA, change_note="first cut")
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["version"], body["kind"], body["formula"]) == (
        "late_payers", 1, "segment", BROWSER_FORMULA,
    )  # fmt: skip
    assert body["history"][0]["created_by"] == "admin@acme.test"
    assert body["history"][0]["change_note"] == "first cut"
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="metric.create")
    assert audit.actor == world.admin and audit.after["formula"] == BROWSER_FORMULA


def test_an_existing_code_is_409(world: World, api_as: Any) -> None:
    response = create(api_as(world.admin), code="at_risk_customer")
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "code"


def test_the_same_code_in_another_tenant_is_fine(world: World, api_as: Any) -> None:
    assert create(api_as(world.admin), code="shared_code").status_code == 201
    assert create(api_as(world.other_admin), code="shared_code").status_code == 201


@pytest.mark.parametrize("code", ["ab", "Upper_case", "1starts_with_digit", "has-dash", "x" * 65])
def test_a_bad_code_is_422_naming_the_field(world: World, api_as: Any, code: str) -> None:
    response = create(api_as(world.admin), code=code)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "code"


def test_a_blank_name_is_422(world: World, api_as: Any) -> None:
    response = create(api_as(world.admin), name="   ")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_a_bad_formula_is_422_with_its_position_and_writes_nothing(world: World, api_as: Any) -> None:
    response = create(api_as(world.admin), formula="days_since_last_order > 21 and balance_due > 'lots'")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "formula"
    assert error["message"] == "expected a number after '>', found a text"
    assert (error["line"], error["column"]) == (1, 46)
    assert error["expected"] == ["number"]
    assert not MetricDefinition.objects.for_tenant(world.acme).filter(code="late_payers").exists()


def test_a_syntax_error_is_422_with_its_position(world: World, api_as: Any) -> None:
    error = create(api_as(world.admin), formula="order_count >= ").json()["errors"][0]
    assert (error["line"], error["column"]) == (1, 16)
    assert "a number" in error["expected"]


def test_a_segment_formula_must_be_a_condition(world: World, api_as: Any) -> None:
    response = create(api_as(world.admin), formula="order_count + 1")
    assert response.status_code == 422
    assert "must be a condition" in response.json()["errors"][0]["message"]


def test_reps_and_managers_cannot_write(world: World, api_as: Any) -> None:
    assert create(api_as(world.rep1)).status_code == 403
    assert create(api_as(world.manager)).status_code == 403
    assert (
        api_as(world.manager).patch("/api/metrics/definitions/at_risk_customer", {"name": "x"}).status_code
        == 403
    )
    assert api_as(world.rep1).delete("/api/metrics/definitions/at_risk_customer").status_code == 403


# -- get, patch, history ------------------------------------------------------------------------------


def test_get_shows_the_current_version_and_history_newest_first(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    create(admin)
    admin.patch(
        "/api/metrics/definitions/late_payers",
        {"formula": "overdue_balance > 200", "change_note": "stricter"},
    )
    body = api_as(world.rep1).get("/api/metrics/definitions/late_payers").json()
    assert body["version"] == 2 and body["formula"] == "overdue_balance > 200"
    assert [(v["version"], v["change_note"]) for v in body["history"]] == [(2, "stricter"), (1, "Created")]


def test_the_history_runs_a_fixed_number_of_queries(
    world: World, api_as: Any, django_assert_num_queries: Any
) -> None:
    admin = api_as(world.admin)
    create(admin)
    for threshold in range(200, 700, 100):
        admin.patch("/api/metrics/definitions/late_payers", {"formula": f"overdue_balance > {threshold}"})
    reader = api_as(world.rep1)
    # token lookup, its last-used stamp, membership, the definition (current version joined), the
    # versions (authors joined): more versions must not add queries.
    with django_assert_num_queries(5):
        body = reader.get("/api/metrics/definitions/late_payers").json()
    assert len(body["history"]) == 6


def test_another_tenants_code_answers_404_everywhere(world: World, api_as: Any) -> None:
    create(api_as(world.other_admin), code="theirs_only")
    admin = api_as(world.admin)
    assert admin.get("/api/metrics/definitions/theirs_only").status_code == 404
    assert admin.patch("/api/metrics/definitions/theirs_only", {"name": "x"}).status_code == 404
    assert admin.delete("/api/metrics/definitions/theirs_only").status_code == 404
    assert admin.get("/api/metrics/definitions/theirs_only/diff?from=1&to=1").status_code == 404
    assert admin.post("/api/metrics/preview", {"code": "theirs_only"}).status_code == 404


def test_patch_creates_the_next_version_and_audits_it(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    response = admin.patch(
        "/api/metrics/definitions/at_risk_customer",
        {"formula": "overdue_ratio >= 1.4", "expected_version": 1},
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert MetricVersion.objects.for_tenant(world.acme).filter(code="at_risk_customer").count() == 2
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="metric.update")
    assert audit.before["version"] == 1 and audit.after["version"] == 2


def test_an_edit_that_changes_nothing_creates_no_version(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    current = admin.get("/api/metrics/definitions/at_risk_customer").json()
    response = admin.patch(
        "/api/metrics/definitions/at_risk_customer", {"formula": current["formula"], "name": current["name"]}
    )
    assert response.status_code == 200 and response.json()["version"] == 1
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action="metric.update").exists()


def test_a_stale_expected_version_is_409_and_saves_nothing(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    admin.patch(
        "/api/metrics/definitions/at_risk_customer",
        {"formula": "overdue_ratio >= 1.4", "expected_version": 1},
    )
    response = admin.patch(
        "/api/metrics/definitions/at_risk_customer", {"formula": "overdue_ratio >= 2", "expected_version": 1}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "expected_version"
    assert admin.get("/api/metrics/definitions/at_risk_customer").json()["formula"] == "overdue_ratio >= 1.4"


def test_patch_with_a_bad_formula_is_422_with_position(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(
        "/api/metrics/definitions/at_risk_customer", {"formula": "(order_count > 3"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["column"] == 17


def test_a_definition_cannot_refer_to_itself(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(
        "/api/metrics/definitions/at_risk_customer", {"formula": "metric.at_risk_customer or order_count > 1"}
    )
    assert response.status_code == 422
    assert "refers back to itself" in response.json()["errors"][0]["message"]


def test_turning_a_referenced_segment_into_a_value_is_refused(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert (
        create(
            admin, code="risky_debtors", formula="metric.at_risk_customer and overdue_balance > 0"
        ).status_code
        == 201
    )
    response = admin.patch(
        "/api/metrics/definitions/at_risk_customer", {"kind": "value", "formula": "overdue_ratio"}
    )
    assert response.status_code == 422
    assert "risky_debtors" in response.json()["detail"]


# -- deprecate, restore, diff ------------------------------------------------------------------------


def test_delete_deprecates_hides_from_the_list_and_restore_undoes_it(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    response = admin.delete("/api/metrics/definitions/lapsed_customer")
    assert response.status_code == 200 and response.json()["deprecated"] is True
    listed = {i["code"] for i in admin.get("/api/metrics/definitions", page_size=100).json()["items"]}
    assert "lapsed_customer" not in listed
    with_deprecated = admin.get("/api/metrics/definitions", page_size=100, include_deprecated="true").json()
    assert "lapsed_customer" in {i["code"] for i in with_deprecated["items"]}
    assert admin.get("/api/metrics/definitions/lapsed_customer").json()["deprecated"] is True
    restored = admin.post("/api/metrics/definitions/lapsed_customer/restore")
    assert restored.status_code == 200 and restored.json()["deprecated"] is False
    actions = set(AuditEvent.objects.for_tenant(world.acme).values_list("action", flat=True))
    assert {"metric.deprecate", "metric.restore"} <= actions


def test_diff_lists_changed_fields_and_a_word_diff(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    create(admin, formula="overdue_balance > 100")
    admin.patch("/api/metrics/definitions/late_payers", {"formula": "overdue_balance > 250", "name": "Late"})
    body = admin.get("/api/metrics/definitions/late_payers/diff?from=1&to=2").json()
    assert {c["field"] for c in body["changes"]} == {"formula", "name"}
    assert {"op": "delete", "text": "100"} in body["formula_diff"]
    assert {"op": "insert", "text": "250"} in body["formula_diff"]


def test_diff_of_a_missing_version_is_422(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get("/api/metrics/definitions/at_risk_customer/diff?from=1&to=9")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to"


def test_restoring_an_old_version_creates_a_new_one(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    create(admin, formula="overdue_balance > 100")
    admin.patch("/api/metrics/definitions/late_payers", {"formula": "overdue_balance > 250"})
    body = admin.post(
        "/api/metrics/definitions/late_payers/versions/1/restore", {"expected_version": 2}
    ).json()
    assert body["version"] == 3 and body["formula"] == "overdue_balance > 100"
    assert body["history"][0]["change_note"] == "Restored version 1"


# -- validate, preview, templates --------------------------------------------------------------------


def test_validate_reports_ok_and_the_type(world: World, api_as: Any) -> None:
    body = (
        api_as(world.rep1)
        .post("/api/metrics/validate", {"formula": BROWSER_FORMULA, "kind": "segment"})
        .json()
    )
    assert (body["ok"], body["type"], body["errors"]) == (True, "boolean", [])
    assert body["attributes"] == ["account_type", "balance_due", "days_since_last_order"]
    assert body["builder"]["op"] == "and"
    assert body["builder"]["items"][0] == {
        "type": "row",
        "left": "days_since_last_order",
        "op": ">",
        "value": "21",
    }
    assert body["builder"]["items"][1]["op"] == "or"


def test_validate_reports_where_the_error_is(world: World, api_as: Any) -> None:
    body = (
        api_as(world.admin)
        .post("/api/metrics/validate", {"formula": "order_count > 3 and", "kind": "segment"})
        .json()
    )
    assert body["ok"] is False
    assert body["errors"][0]["column"] == 20


def test_validate_with_a_code_sees_self_references_as_cycles(world: World, api_as: Any) -> None:
    body = (
        api_as(world.admin)
        .post(
            "/api/metrics/validate",
            {"formula": "metric.healthy_customer", "kind": "segment", "code": "healthy_customer"},
        )
        .json()
    )
    assert body["ok"] is False and "refers back" in body["errors"][0]["message"]


@pytest.fixture
def late_accounts(world: World, unscoped: None) -> None:
    today = timezone.localdate(timezone=world.acme.tzinfo)
    for rep, name in [(world.rep1, "Rep1 Late"), (world.rep2, "Rep2 Late"), (world.rep3, "Rep3 Late")]:
        customer = factories.make_customer(world.acme, rep, name=name, account_type="TARGET")
        factories.make_order(customer, order_date=today - timedelta(days=30))
    factories.make_customer(world.acme, world.rep1, name="Rep1 Never")


def test_preview_counts_samples_and_shows_sql_to_admins(
    world: World, api_as: Any, late_accounts: None
) -> None:
    body = api_as(world.admin).post("/api/metrics/preview", {"formula": BROWSER_FORMULA}).json()
    assert body["count"] == 3 and body["total"] == 4
    assert [s["name"] for s in body["samples"]] == ["Rep1 Late", "Rep2 Late", "Rep3 Late"]
    assert body["samples"][0]["attributes"] == {
        "account_type": "TARGET", "balance_due": 0, "days_since_last_order": 30,
    }  # fmt: skip
    assert "SELECT" in body["sql"]
    assert body["elapsed_ms"] >= 0


def test_preview_for_a_rep_counts_only_their_customers_and_hides_sql(
    world: World, api_as: Any, late_accounts: None
) -> None:
    body = api_as(world.rep1).post("/api/metrics/preview", {"formula": BROWSER_FORMULA}).json()
    assert body["count"] == 1 and body["total"] == 2
    assert body["sql"] is None


def test_preview_of_a_stored_value_metric_samples_the_highest_values(
    world: World, api_as: Any, late_accounts: None
) -> None:
    body = api_as(world.manager).post("/api/metrics/preview", {"code": "days_overdue"}).json()
    assert body["kind"] == "value"
    assert body["count"] == 0  # one order each: no cadence yet, so no value


def test_preview_with_a_bad_formula_is_422_with_position(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/metrics/preview", {"formula": "order_count >"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["column"] == 14


def test_templates_list_at_least_twelve_and_say_which_are_installed(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    admin.delete("/api/metrics/definitions/new_customer")
    body = admin.get("/api/metrics/templates").json()
    assert len(body) >= 12
    assert all(t["installed"] for t in body)


def test_the_template_list_runs_a_fixed_number_of_queries(
    world: World, api_as: Any, django_assert_num_queries: Any
) -> None:
    client = api_as(world.admin)
    # token lookup, its last-used stamp, membership, the codes already installed.
    with django_assert_num_queries(4):
        assert len(client.get("/api/metrics/templates").json()) == len(TEMPLATES)


def test_attributes_are_documented(world: World, api_as: Any) -> None:
    body = api_as(world.rep1).get("/api/metrics/attributes").json()
    names = {a["name"] for a in body}
    assert {"median_order_interval_days", "overdue_ratio", "assigned_rep"} <= names
    assert all(a["description"] and a["unit"] for a in body)


# -- export and import -------------------------------------------------------------------------------


def test_export_as_json_and_yaml(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    as_json = admin.get("/api/metrics/export", format="json")
    assert as_json["Content-Type"] == "application/json"
    assert len(as_json.json()["metrics"]) == len(TEMPLATES)
    as_yaml = admin.get("/api/metrics/export", format="yaml")
    assert yaml.safe_load(as_yaml.content)["metrics"][0]["code"] == min(t.code for t in TEMPLATES)


def test_the_export_runs_a_fixed_number_of_queries(
    world: World, api_as: Any, django_assert_num_queries: Any
) -> None:
    client = api_as(world.admin)
    # token lookup, its last-used stamp, membership, the definitions (current version joined).
    with django_assert_num_queries(4):
        response = client.get("/api/metrics/export", format="json")
    assert len(response.json()["metrics"]) == len(TEMPLATES)


def _import(client: Any, body: str, apply: bool = False, content_type: str = "application/yaml") -> Any:
    path = "/api/metrics/import" + ("?apply=true" if apply else "")
    return client.client.post(path, data=body, content_type=content_type, headers=client.headers)


def test_import_is_a_dry_run_by_default(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    exported = yaml.safe_load(admin.get("/api/metrics/export", format="yaml").content)
    exported["metrics"][0]["formula"] = "order_count >= 4 and overdue_ratio >= 1.5"
    exported["metrics"].append({"code": "brand_new", "name": "Brand new", "kind": "segment",
                                "formula": "metric.at_risk_customer and balance_due > 0"})  # fmt: skip
    report = _import(admin, yaml.safe_dump(exported)).json()
    assert report["applied"] is False
    assert report["created"] == ["brand_new"]
    assert [c["code"] for c in report["changed"]] == [exported["metrics"][0]["code"]]
    assert len(report["unchanged"]) == len(TEMPLATES) - 1
    assert not MetricDefinition.objects.for_tenant(world.acme).filter(code="brand_new").exists()


def test_import_applies_everything_with_apply_true(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    body = {"metrics": [
        {"code": "first_one", "name": "First", "kind": "segment", "formula": "metric.second_one"},
        {"code": "second_one", "name": "Second", "kind": "segment", "formula": "order_count > 2"},
    ]}  # fmt: skip
    import json

    response = _import(admin, json.dumps(body), apply=True, content_type="application/json")
    assert response.status_code == 200 and response.json()["applied"] is True
    assert admin.get("/api/metrics/definitions/first_one").json()["history"][0]["change_note"] == "Imported"


def test_import_with_any_error_applies_nothing_and_lists_errors_per_entry(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    body = {"metrics": [
        {"code": "good_one", "name": "Good", "kind": "segment", "formula": "order_count > 2"},
        {"code": "bad_one", "name": "Bad", "kind": "segment", "formula": "order_count >"},
        {"code": "X", "name": "", "kind": "nope", "formula": "1"},
    ]}  # fmt: skip
    response = _import(admin, yaml.safe_dump(body), apply=True)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {(e["index"], e["field"]) for e in errors} >= {
        (1, "formula"),
        (2, "code"),
        (2, "name"),
        (2, "kind"),
    }
    assert next(e for e in errors if e["index"] == 1)["column"] == 14
    assert not MetricDefinition.objects.for_tenant(world.acme).filter(code="good_one").exists()


def test_only_admins_import(world: World, api_as: Any) -> None:
    assert _import(api_as(world.manager), "metrics: []").status_code == 403
