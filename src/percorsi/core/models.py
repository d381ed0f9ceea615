from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from percorsi.core.permissions import ROLE_PERMISSIONS, Role, role_has
from percorsi.core.scoping import ScopedManager


class Site(models.Model):
    """A site (sede) of the association: Roma, Vicenza... People and staff belong to sites."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in web addresses"), max_length=50, unique=True)
    city = models.CharField(_("city"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role at one site, or at every site when `site` is empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("site"),
        help_text=_("Empty means every site."),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "site"], condition=Q(site__isnull=False), name="core_membership_one_per_site"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(site__isnull=True), name="core_membership_one_all_sites"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.site_id or '*'}:{self.role}"

    @property
    def is_all_sites(self) -> bool:
        return self.site_id is None

    @property
    def permissions(self) -> frozenset[str]:
        return ROLE_PERMISSIONS.get(self.role, frozenset())

    def has(self, permission: str) -> bool:
        """Whether the role holds the permission; an unknown permission string is an error, not a no."""
        return role_has(self.role, permission)


class SiteOwnedModel(models.Model):
    """Base for everything that belongs to one site (people, plans, offers, funds...).

    `objects` refuses any query made without an active site scope (django-scopes); code that must
    see every site says so with `django_scopes.scopes_disabled()` or `Model.objects.with_scopes_disabled()`.
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))

    objects = ScopedManager(site="site")

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        """`get_<field>_display()`, as Django's but translating only the label it returns: Django's
        hashes every label of the field on each call, and hashing a lazy label translates it (a case
        file made some 400 translations for its 40 labels)."""
        labels: dict[Any, Any] | None = field.__dict__.get("_percorsi_labels")
        if labels is None:
            labels = field.__dict__["_percorsi_labels"] = dict(field.flatchoices)
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: Django's way
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        return force_str(label, strings_only=True)


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", _("allowed")
    DENIED = "denied", _("denied")


class AuditEntry(models.Model):
    """One line of the append-only audit log. Ids only: no names, no free text about people.

    `id` is assigned by the chain (not by the database) so that it is part of the hashed content;
    `hash` covers the content and the previous entry's hash, so a changed, removed or reordered
    entry breaks the chain (`percorsi audit verify`). On PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    id = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True, db_index=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    site_id = models.BigIntegerField(_("site"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AuditOutcome.choices)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["site_id", "-id"], name="core_audit_site_recent")]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.outcome}"


class AuditChainHead(models.Model):
    """The last entry of the audit chain: a removed last entry shows as a head that points past the log.

    Its row is locked while an entry is appended, which also serialises the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.last_id}"
