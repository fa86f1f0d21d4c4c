"""Each item's 整改时限 and status events (found, 整改中, 已整改, 已销号), on working days."""

from datetime import date, timedelta

from ledger.calibration import DATA_END, SURVEY_END, Cohort
from ledger.demo.basics import month_end, workday_between, working_day_in


class Timeline:
    """The builder's part that dates each item's deadline and events."""

    def deadline(self, cat: str, found: date, cohort: Cohort) -> date:
        long_term = cat in ("stalled_zombie", "stalled_project", "infra_half_finished", "infra_not_operating")
        if found <= SURVEY_END:
            if long_term:
                return self.rng.choice((date(2023, 6, 30), date(2023, 12, 31), date(2024, 12, 31)))
            if cohort.rectified and cohort.rectified[0].year >= 2024:
                return self.rng.choice((date(2023, 12, 31), date(2024, 6, 30), date(2025, 6, 30)))
            # The concentrated phase staggered its deadlines; most fell at year end.
            # (drawn from a stream of its own, so adding this did not shift the rest of the demo data)
            return self.stagger.choice((date(2022, 10, 31), date(2022, 11, 30), date(2022, 12, 31), date(2022, 12, 31)))
        return month_end(found + timedelta(days=self.rng.randint(60, 150)))

    def history(self, found: date, cohort: Cohort) -> list[tuple[date, str]]:
        """Status events, each on a working day: found, maybe 整改中, then 已整改 and 已销号 if rectified."""
        rng = self.rng
        events = [(found, "待整改")]
        day = timedelta(days=1)
        if cohort.rectified is None:
            if rng.random() < 0.75:
                working = working_day_in(found + timedelta(days=rng.randint(5, 60)), found + day, DATA_END)
                events.append((working, "整改中"))
            return events
        start, end = cohort.rectified
        rect = workday_between(rng, max(start, found + day), end)
        if (rect - found).days > 3:
            working = found + timedelta(days=rng.randint(1, min(45, (rect - found).days - 1)))
            working = working_day_in(working, found + day, rect - day)
            if working:
                events.append((working, "整改中"))
        events.append((rect, "已整改"))
        closed = rect + timedelta(days=rng.randint(10, 90))
        if closed <= DATA_END and rng.random() < 0.8:
            events.append((working_day_in(closed, rect + day, DATA_END), "已销号"))
        return events
