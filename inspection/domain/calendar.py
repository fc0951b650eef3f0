"""The district's working calendar: local dates, working days, quiet days (宁静日) and due times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from inspection.config import Settings


@dataclass(frozen=True)
class Calendar:
    zone: ZoneInfo
    weekend_days: frozenset[int]
    holidays: frozenset[dt.date]
    quiet_days_first: int
    quiet_days_last: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Calendar:
        return cls(
            zone=settings.zone,
            weekend_days=frozenset(settings.weekend_days),
            holidays=frozenset(settings.holidays),
            quiet_days_first=settings.quiet_days_first,
            quiet_days_last=settings.quiet_days_last,
        )

    def local_date(self, instant: dt.datetime) -> dt.date:
        """The district's date at ``instant``."""
        return instant.astimezone(self.zone).date()

    def today(self, now: dt.datetime) -> dt.date:
        """The district's date now (``now`` from the service clock)."""
        return self.local_date(now)

    def year(self, now: dt.datetime) -> int:
        """The district's calendar year now: the year of the frequency cap and the card summary."""
        return self.local_date(now).year

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() not in self.weekend_days and day not in self.holidays

    def is_quiet_day(self, day: dt.date) -> bool:
        """Days of the month reserved for undisturbed production (宁静日); 0–0 disables them."""
        return self.quiet_days_first > 0 and self.quiet_days_first <= day.day <= self.quiet_days_last

    def due_after_working_days(self, instant: dt.datetime, days: int) -> dt.datetime:
        """The end of the ``days``-th working day after the local date of ``instant`` (as the next
        local midnight, in UTC). Two working days after a Friday request end on Tuesday night."""
        day = self.local_date(instant)
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)
        return next_midnight.astimezone(dt.UTC)
