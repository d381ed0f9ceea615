"""The project's settings plus a test-only app with a site-owned model.

The app has no migrations: the test runner creates its table."""

from percorsi.config.settings import *  # noqa: F403
from percorsi.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scopedapp"]
