import pytest

from leora.crm.models import Customer
from leora.tenancy.scoping import ScopeError, scopes_disabled, tenant_scope
from tests.conftest import World
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_an_unscoped_query_of_a_tenant_owned_model_raises(world: World) -> None:
    with pytest.raises(ScopeError):
        list(Customer.objects.all())


def test_a_tenant_scope_shows_only_that_tenants_rows(world: World, unscoped: None) -> None:
    mine = make_customer(world.acme, world.rep1)
    make_customer(world.other, world.other_rep)
    with tenant_scope(world.acme):
        assert list(Customer.objects.all()) == [mine]


def test_for_tenant_names_the_tenant_explicitly_without_a_scope(world: World) -> None:
    with scopes_disabled():
        mine = make_customer(world.acme, world.rep1)
        make_customer(world.other, world.other_rep)
    assert list(Customer.objects.for_tenant(world.acme)) == [mine]


def test_related_managers_follow_the_active_scope(world: World, unscoped: None) -> None:
    customer = make_customer(world.acme, world.rep1)
    with tenant_scope(world.acme):
        assert customer.orders.count() == 0
