import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email, validate_slug
from django.db import transaction

from leora.errors import DomainError
from leora.tenancy.models import Membership, Role, Tenant, User
from leora.tenancy.selectors.members import MANAGER_ROLES
from leora.tenancy.services.audit import audit_record
from leora.tenancy.services.members import member_create


class Command(BaseCommand):
    help = (
        "Add a person to a tenant. With --create-tenant the tenant is created when missing, which is how a "
        "fresh install gets its first admin. A generated password is printed alone on the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--manager", help="email of the manager or admin they report to")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--password", help="checked by the password rules; generated when omitted")
        parser.add_argument(
            "--create-tenant", metavar="NAME", help="create the tenant with this display name if missing"
        )
        parser.add_argument("--timezone", default="UTC", help="a new tenant's time zone (default UTC)")
        parser.add_argument("--currency", default="USD", help="a new tenant's currency code (default USD)")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address") from None
        with transaction.atomic():
            tenant = self._tenant(options)
            manager_id = self._manager_id(tenant, options["manager"])
            try:
                created = member_create(
                    actor=None,
                    tenant=tenant,
                    email=email,
                    role=options["role"],
                    full_name=options["name"],
                    manager_id=manager_id,
                    password=options["password"],
                )
            except DomainError as exc:
                raise CommandError(exc.detail) from None
        self.stderr.write(f"Added {email} to {tenant.slug} as {Role(options['role']).label.lower()}.")
        if created.initial_password is not None:
            self.stderr.write("Their password, shown once (ask them to change it):")
            self.stdout.write(created.initial_password)

    def _tenant(self, options: dict[str, Any]) -> Tenant:
        slug = options["tenant"].strip()
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is not None:
            return tenant
        name = (options["create_tenant"] or "").strip()
        if not name:
            raise CommandError(f'no tenant with slug {slug!r}; add --create-tenant "Name" to create it')
        try:
            validate_slug(slug)
        except ValidationError:
            raise CommandError(f"{slug!r} is not a valid slug: use letters, numbers, - and _") from None
        if options["timezone"] not in zoneinfo.available_timezones():
            raise CommandError(f"{options['timezone']!r} is not a known time zone (e.g. America/Chicago)")
        currency = options["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise CommandError(f"{options['currency']!r} is not a three-letter currency code (e.g. USD)")
        tenant = Tenant.objects.create(name=name, slug=slug, timezone=options["timezone"], currency=currency)
        audit_record(
            tenant=tenant,
            actor=None,
            action="tenant.create",
            obj=tenant,
            after={"name": name, "slug": slug, "timezone": tenant.timezone, "currency": currency},
        )
        self.stderr.write(f"Created tenant {name!r} ({slug}, {tenant.timezone}, {currency}).")
        return tenant

    def _manager_id(self, tenant: Tenant, manager_email: str | None) -> int | None:
        if not manager_email:
            return None
        email = manager_email.strip().lower()
        manager = User.objects.filter(email=email, memberships__tenant=tenant).first()
        if manager is None:
            raise CommandError(f"no user with email {email!r} in {tenant.slug}")
        role = Membership.objects.get(tenant=tenant, user=manager).role
        if role not in MANAGER_ROLES:
            raise CommandError(f"{email} is a {Role(role).label.lower()}, not a manager or an admin")
        return manager.pk
