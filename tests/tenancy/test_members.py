"""The people services of tenancy (``leora.tenancy.services.members``), where a page or API test cannot
reach: concurrent changes."""

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from leora.errors import Conflict
from leora.tenancy.models import Membership, Role, User
from leora.tenancy.services.members import member_update
from tests.factories import actor, make_tenant, make_user


def waiting_on_a_lock(*, deadline_seconds: float) -> bool:
    """Return True once another connection of this database waits on a row lock, polling until the
    deadline: a condition to wait for, rather than a pause that a busy machine can outrun."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks between two connections")
def test_two_admins_demoting_each_other_at_once_leave_one_admin(transactional_db: Any) -> None:
    # given two active admins, the first demoting the second and holding its transaction open
    tenant = make_tenant("race")
    first, second = (make_user(tenant, f"{n}@race.test", Role.ADMIN) for n in ("first", "second"))
    holding, release = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def demote(by: User, target: User, hold: bool) -> None:
        try:
            with transaction.atomic():
                membership = Membership.objects.select_related("user").get(tenant=tenant, user=target)
                member_update(actor=actor(tenant, by), membership=membership, changes={"role": "manager"})
                if hold:
                    holding.set()
                    release.wait(30)
            outcomes[by.email] = "done"
        except Conflict:
            outcomes[by.email] = "refused"
        finally:
            connection.close()

    one = threading.Thread(target=demote, args=(first, second, True))
    one.start()
    assert holding.wait(30)
    # when the second demotes the first while the first change is still open
    two = threading.Thread(target=demote, args=(second, first, False))
    two.start()
    assert waiting_on_a_lock(deadline_seconds=30)
    release.set()
    one.join(30)
    two.join(30)
    # then the later change waited for the earlier one and was refused
    assert outcomes == {"first@race.test": "done", "second@race.test": "refused"}
    assert Membership.objects.filter(tenant=tenant, role=Role.ADMIN).count() == 1
