from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "percorsi.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from percorsi.core.selectors import HOME_FIGURES
        from percorsi.people.selectors import home_figures

        HOME_FIGURES.append(home_figures)
