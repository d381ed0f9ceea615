"""The project's settings plus a test-only app with a site-owned model.

Its migration depends on core's: on PostgreSQL a table of an app without migrations is created
before the migrated ones, and its foreign key to core_site would fail."""

from percorsi.config.settings import *  # noqa: F403
from percorsi.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scopedapp"]
