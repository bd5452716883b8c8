from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from leora.tenancy.models import ApiToken
from leora.tenancy.services.tokens import api_token_authenticate, api_token_create, api_token_revoke
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_hashed_with_only_its_prefix_in_clear(world: World) -> None:
    issued = api_token_create(tenant=world.acme, user=world.rep1)
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.plaintext not in (stored.token_hash, stored.prefix)
    assert issued.plaintext.startswith(f"leora_{stored.prefix}_")
    assert len(stored.token_hash) == 64


def test_authentication_records_last_use(world: World) -> None:
    issued = api_token_create(tenant=world.acme, user=world.rep1)
    token = api_token_authenticate(issued.plaintext)
    assert token is not None and token.last_used_at is not None


def test_a_token_with_a_right_prefix_and_wrong_secret_is_refused(world: World) -> None:
    issued = api_token_create(tenant=world.acme, user=world.rep1)
    assert api_token_authenticate(issued.plaintext[:-2] + "xx") is None


def test_a_revoked_token_no_longer_authenticates(world: World, client: Any) -> None:
    issued = api_token_create(tenant=world.acme, user=world.rep1)
    api_token_revoke(token=issued.token, actor=world.admin)
    response = client.get("/api/customers", headers={"Authorization": f"Bearer {issued.plaintext}"})
    assert response.status_code == 401


def test_the_command_prints_the_token_alone_on_the_last_line(world: World, client: Any) -> None:
    out = StringIO()
    call_command(
        "create_api_token", "--email", "rep1@acme.test", "--name", "laptop", stdout=out, stderr=StringIO()
    )
    token = out.getvalue().strip().splitlines()[-1]
    response = client.get("/api/customers", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert ApiToken.objects.get(user=world.rep1).name == "laptop"


def test_the_command_names_an_unknown_email(world: World) -> None:
    with pytest.raises(CommandError, match=r"no user with email 'nobody@acme\.test'"):
        call_command("create_api_token", "--email", "nobody@acme.test", stdout=StringIO())
