"""A row id too long for the database's keys is a missing page, never a database error."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TOO_LONG = "9" * 25


@pytest.mark.parametrize(
    "path",
    [f"/customers/{TOO_LONG}/", f"/orders/{TOO_LONG}/", f"/customers/{TOO_LONG}/edit/", f"/team/{TOO_LONG}/"],
)
def test_an_id_longer_than_a_64_bit_key_answers_404(world: Any, path: str) -> None:
    client = Client()
    client.force_login(world.admin)
    assert client.get(path).status_code == 404
