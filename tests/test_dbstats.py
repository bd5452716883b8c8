"""After a bulk load the planner has statistics to plan with."""

from __future__ import annotations

import pytest
from django.db import connection

from leora.dbstats import planner_statistics_refresh
from tests import factories
from tests.conftest import World


@pytest.mark.django_db(transaction=True)
def test_refreshing_statistics_records_them_for_the_order_table(world: World) -> None:
    customer = factories.make_customer(world.acme, world.rep1)
    factories.make_order(customer, [(factories.make_product(world.acme), 2)])
    # when
    planner_statistics_refresh()
    # then
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'crm_order'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables "
                "WHERE relname = 'crm_order' AND last_analyze IS NOT NULL"
            )
        assert cursor.fetchone()[0] >= 1
