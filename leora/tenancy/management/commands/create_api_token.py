from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leora.tenancy.actors import membership_for
from leora.tenancy.models import Tenant, User
from leora.tenancy.services.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token; the token is printed alone on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="the user the token acts as")
        parser.add_argument("--name", default="cli", help="a label to recognise the token by")
        parser.add_argument("--tenant", help="tenant slug, when the user belongs to several")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"no user with email {email!r}")
        tenant_id = None
        if options["tenant"]:
            tenant = Tenant.objects.filter(slug=options["tenant"]).first()
            if tenant is None:
                raise CommandError(f"no tenant with slug {options['tenant']!r}")
            tenant_id = tenant.pk
        membership = membership_for(user, tenant_id)
        if membership is None:
            raise CommandError(f"{email} is not a member of {'that' if tenant_id else 'any'} tenant")
        issued = api_token_create(tenant=membership.tenant, user=user, name=options["name"])
        self.stderr.write(
            f"Token {issued.token.name!r} for {email} in {membership.tenant.slug} ({membership.role}). "
            "Store it now: it is not shown again."
        )
        self.stdout.write(issued.plaintext)
