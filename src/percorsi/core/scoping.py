"""Site scoping: django-scopes' manager, with every query-running method refused without a scope.

django-scopes' disabled queryset lets a few methods through (`exists()`, `in_bulk()`,
`contains()`, `bulk_update()` and the async ones), which would read or change every site's rows
without a scope. Here they are refused too; `create()` and `bulk_create()` stay allowed, since
they name the site of what they write."""

from __future__ import annotations

from typing import Any

from django.db import models
from django_scopes import manager as scopes_manager

_ALSO_REFUSED = (
    "exists",
    "in_bulk",
    "contains",
    "explain",
    "bulk_update",
    "aaggregate",
    "acontains",
    "acount",
    "adelete",
    "aearliest",
    "aexists",
    "aexplain",
    "afirst",
    "aget",
    "aget_or_create",
    "ain_bulk",
    "aiterator",
    "alast",
    "alatest",
    "aupdate",
    "aupdate_or_create",
    "abulk_update",
)


class StrictDisabledQuerySet(scopes_manager.DisabledQuerySet):
    pass


for _name in _ALSO_REFUSED:
    setattr(StrictDisabledQuerySet, _name, scopes_manager.DisabledQuerySet.error)


def ScopedManager(**scopes: str) -> Any:
    """django-scopes' ScopedManager whose unscoped queryset refuses every query."""
    base = type(scopes_manager.ScopedManager(**scopes))

    class Manager(base):  # type: ignore[misc, valid-type]
        def get_queryset(self) -> models.QuerySet[Any]:
            queryset = super().get_queryset()
            if isinstance(queryset, scopes_manager.DisabledQuerySet) and not isinstance(
                queryset, StrictDisabledQuerySet
            ):
                return StrictDisabledQuerySet(
                    self.model, using=self._db, missing_scopes=queryset.missing_scopes
                )
            return queryset

    return Manager()
