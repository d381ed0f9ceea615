"""A site-owned model that exists only in the tests, to prove the scoping of SiteOwnedModel."""

from django.db import models

from percorsi.core.models import SiteOwnedModel


class CaseNote(SiteOwnedModel):
    text = models.CharField(max_length=100)

    class Meta:
        app_label = "scopedapp"
