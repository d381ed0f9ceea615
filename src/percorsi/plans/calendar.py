"""The appointment calendar's days: a day, or a week from Monday to Sunday, in the local time zone.

Datetimes are stored in UTC and shown in Europe/Rome (the project's TIME_ZONE): the bounds of a
day are its local midnights, so a day is 23 or 25 hours long when the clocks change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.utils import timezone

View = Literal["day", "week"]
VIEWS: tuple[View, ...] = ("day", "week")


def local_midnight(day: date) -> datetime:
    """The aware datetime at which `day` starts in the current time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Period:
    """The days a calendar page shows, and the pages before and after it."""

    view: View
    day: date  # the day asked for
    first: date
    last: date  # included

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def starts(self) -> datetime:
        return local_midnight(self.first)

    @property
    def ends(self) -> datetime:
        """The start of the day after the last one (appointments start before it)."""
        return local_midnight(self.last + timedelta(days=1))

    @property
    def step(self) -> timedelta:
        return timedelta(days=1 if self.view == "day" else 7)

    @property
    def previous_day(self) -> date:
        return self.day - self.step

    @property
    def next_day(self) -> date:
        return self.day + self.step


def period(day: date, view: View) -> Period:
    if view == "day":
        return Period(view, day, day, day)
    monday = day - timedelta(days=day.weekday())
    return Period(view, day, monday, monday + timedelta(days=6))


@dataclass(frozen=True)
class CalendarDay:
    day: date
    is_today: bool
    appointments: list[Any]


def by_day(days: Iterable[date], appointments: Iterable[Any], today: date) -> list[CalendarDay]:
    """The appointments under the local day they start on, in time order (as they are given)."""
    grouped: dict[date, list[Any]] = {day: [] for day in days}
    for appointment in appointments:
        local_day = timezone.localtime(appointment.starts_at).date()
        if local_day in grouped:
            grouped[local_day].append(appointment)
    return [CalendarDay(day, day == today, items) for day, items in grouped.items()]
