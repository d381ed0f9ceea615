"""Writes for sites and staff. Each runs in one transaction and writes its audit entry there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.errors import DomainError, StaleEditError
from percorsi.core.models import Membership, Site
from percorsi.core.permissions import can_assign


def _check_version(obj: Site | Membership, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise StaleEditError


def site_update(*, site: Site, actor: User, name: str, city: str, address: str, version: int | None) -> Site:
    with transaction.atomic():
        current = Site.objects.select_for_update().get(pk=site.pk)
        _check_version(current, version)
        current.name, current.city, current.address = name.strip(), city.strip(), address.strip()
        current.version += 1
        current.full_clean()
        current._history_user = actor  # type: ignore[attr-defined]
        current.save()
        audit.record(action="core.site.updated", obj=current, site_id=current.pk)
    return current


def _check_assignable(*, actor_membership: Membership, role: str) -> None:
    if not can_assign(actor_membership.role, role):
        raise DomainError(_("Your role cannot give the role you chose."), field="role")


def membership_create(
    *,
    site: Site,
    actor: User,
    actor_membership: Membership,
    email: str,
    full_name: str,
    role: str,
    preferred_language: str,
) -> Membership:
    """Give a person a role at this site; the account is created when the address is new.

    A new account has no usable password: its owner sets one through "forgot your password"."""
    _check_assignable(actor_membership=actor_membership, role=role)
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, full_name=full_name.strip(), preferred_language=preferred_language)
            user.set_unusable_password()
            try:
                user.full_clean()
                with transaction.atomic():
                    user._history_user = actor  # type: ignore[attr-defined]
                    user.save()
            except ValidationError as error:
                raise DomainError(" ".join(error.messages), field="email") from None
            except IntegrityError:
                raise DomainError(
                    _("This address was registered a moment ago: try again."), field="email"
                ) from None
            audit.record(action="accounts.user.created", obj=user, site_id=site.pk)
        # A role given here would take precedence over the person's all-sites role at this site:
        # only someone who holds an all-sites role may narrow another's.
        if (
            actor_membership.site_id is not None
            and Membership.objects.filter(user=user, site__isnull=True, is_active=True).exists()
        ):
            raise DomainError(
                _(
                    "This person already works at every site: "
                    "only an administrator of every site can change that."
                ),
                field="email",
            )
        if Membership.objects.filter(user=user, site=site).exists():
            raise DomainError(_("This person already has a role at this site."), field="email")
        membership = Membership(user=user, site=site, role=role)
        membership.full_clean(validate_constraints=False)
        membership._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError:
            raise DomainError(_("This person already has a role at this site."), field="email") from None
        audit.record(action="core.membership.created", obj=membership, site_id=site.pk, data={"role": role})
    return membership


def membership_update(
    *,
    membership: Membership,
    actor: User,
    actor_membership: Membership,
    role: str,
    is_active: bool,
    version: int | None,
) -> Membership:
    if membership.pk == actor_membership.pk:
        raise DomainError(_("You cannot change your own role."))
    _check_assignable(actor_membership=actor_membership, role=membership.role)
    _check_assignable(actor_membership=actor_membership, role=role)
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        _check_version(current, version)
        before_role, before_active = current.role, current.is_active
        current.role, current.is_active = role, is_active
        current.version += 1
        current.full_clean(validate_constraints=False)
        current._history_user = actor  # type: ignore[attr-defined]
        current.save()
        audit.record(
            action="core.membership.updated",
            obj=current,
            site_id=current.site_id,
            data={
                "role_before": before_role,
                "role": role,
                "active_before": before_active,
                "active": is_active,
            },
        )
    return current
