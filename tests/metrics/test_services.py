from typing import Any

import pytest

from leora.crm.models import Customer
from leora.errors import InvalidInput
from leora.metrics.models import NAME_MAX_LENGTH, MetricDefinition
from leora.metrics.services import metric_create, metric_values, metrics_import
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def entry(**fields: Any) -> dict[str, Any]:
    return {"code": "big_spenders", "name": "Big spenders", "kind": "segment",
            "formula": "lifetime_revenue > 1000", **fields}  # fmt: skip


def test_create_refuses_a_name_over_the_limit(world: World) -> None:
    admin = factories.actor(world.acme, world.admin)
    with pytest.raises(InvalidInput) as caught:
        metric_create(actor=admin, **entry(name="x" * (NAME_MAX_LENGTH + 1)))
    assert caught.value.errors[0].field == "name"


def test_import_reports_a_name_over_the_limit_like_create_refuses_it(world: World) -> None:
    admin = factories.actor(world.acme, world.admin)
    report = metrics_import(actor=admin, entries=[entry(name="x" * (NAME_MAX_LENGTH + 1))], apply=True)
    assert report.errors == [{"index": 0, "code": "big_spenders", "field": "name",
                              "message": f"at most {NAME_MAX_LENGTH} characters"}]  # fmt: skip
    assert not MetricDefinition.objects.for_tenant(world.acme).filter(code="big_spenders").exists()


def test_import_reports_a_unit_too_long_for_its_column(world: World) -> None:
    admin = factories.actor(world.acme, world.admin)
    report = metrics_import(actor=admin, entries=[entry(unit="u" * 31)])
    assert [(e["field"], e["message"]) for e in report.errors] == [("unit", "at most 30 characters")]


def test_import_and_create_word_a_bad_code_alike(world: World) -> None:
    admin = factories.actor(world.acme, world.admin)
    report = metrics_import(actor=admin, entries=[entry(code="Bad code")])
    with pytest.raises(InvalidInput) as caught:
        metric_create(actor=admin, **entry(code="Bad code"))
    assert report.errors[0]["message"] == caught.value.errors[0].message


def test_metric_values_narrows_given_customers_to_the_ones_the_actor_sees(
    world: World, unscoped: None
) -> None:
    # given a rep's value metric over customers of the rep, of another rep and of another tenant
    admin = factories.actor(world.acme, world.admin)
    metric_create(actor=admin, code="order_total", name="Orders", kind="value", formula="order_count")
    mine = factories.make_customer(world.acme, world.rep1, name="Mine")
    factories.make_customer(world.acme, world.rep3, name="Not my team")
    factories.make_customer(world.other, world.other_rep, name="Elsewhere")
    rep = factories.actor(world.acme, world.rep1)
    # when the rep asks for the values of every customer row there is
    values = metric_values(world.acme, "order_total", rep, customers=Customer.objects.all())
    # then only the rep's own customers come back
    assert list(values.values_list("pk", flat=True)) == [mine.pk]
