"""Domain errors: raised by services, shown to the user as a clear, translated message."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the change; `message` is translated and safe to show."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEditError(DomainError):
    """Someone else saved the same record after this form was opened."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this record after you opened it. Your changes were not saved: "
                "reload the page to see the current version, then make your changes again."
            )
        )
