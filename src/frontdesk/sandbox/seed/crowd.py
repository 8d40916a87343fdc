"""Random customers: who they are, how often they called, and who has a visit coming up."""

from __future__ import annotations

from itertools import accumulate

from frontdesk.sandbox.seed import names
from frontdesk.sandbox.seed.dice import Dice
from frontdesk.sandbox.seed.history import WINDOWS, History, Kind
from frontdesk.sandbox.seed.people import Addresses, Emails, Names, Person, Phones
from frontdesk.sandbox.seed.timeline import DAY

HISTORY_DAYS = 6 * 365  # the oldest customer's first job
COMMERCIAL = 0.12
SECOND_PLACE = {False: 0.08, True: 0.25}  # a rental home; a second store or warehouse
JOBS_PER_CUSTOMER = (6, 16, 22, 20, 14, 10, 6, 4, 2)  # weights of 0, 1, 2, … jobs (mean ≈ 3)
CANCELED = 0.04
MEMBERS = 0.20
UPCOMING = 0.06  # customers who try to book a visit in the next two weeks (capacity permitting)
UPCOMING_DAYS = 14
UTILIZATION = 0.6  # leave most of the coming weeks open, so the receptionist finds slots
_NO_PLACES: tuple[tuple[str, dict[str, object]], ...] = ()


class Crowd:
    def __init__(self, history: History, dice: Dice, reserved_emails: tuple[str, ...]) -> None:
        self.history, self.dice, self.time = history, dice, history.time
        self.names, self.addresses = Names(dice), Addresses(dice)
        self.phones, self.emails = Phones(dice), Emails(reserved_emails)
        self.jobs_cum = list(accumulate(JOBS_PER_CUSTOMER))
        self.job_counts = range(len(JOBS_PER_CUSTOMER))
        # arrival windows in which each job type fits before 18:00
        self.windows = {
            kind.spec.name: [w for w in WINDOWS if w * 60 + kind.duration <= 18 * 3600]
            for kind in history.kind_list
        }

    # --- dates ---------------------------------------------------------------------------------

    def workday(self, day: int) -> int:
        """The day itself on Monday–Friday, else the Monday after (or the last workday before today)."""
        time = self.time
        weekday = time.weekday(day)
        if weekday >= 5:
            day += 7 - weekday
        while day >= time.today or time.weekday(day) >= 5:
            day -= 1
        return day

    def _plan(self, kind: Kind, day: int) -> tuple[int, int]:
        """(created, start) of a past job around a day: emergencies within hours, others days ahead."""
        dice, time = self.dice, self.time
        if kind.urgent:
            minute = dice.between(7 * 60, 20 * 60 - 1)
            created = time.at(day, minute) + dice.below(60)
            return created, time.at(day, minute + dice.between(6, 24) * 5)
        day = self.workday(day)
        start = time.at(day, dice.pick(self.windows[kind.spec.name]))
        created = time.at(day - dice.between(1, 14), dice.between(8 * 60, 18 * 60 - 1)) + dice.below(60)
        return created, start

    # --- one customer --------------------------------------------------------------------------

    def customer(self) -> None:
        dice, history, time = self.dice, self.history, self.time
        commercial = dice.chance(COMMERCIAL)
        count = dice.weighted(self.job_counts, self.jobs_cum)
        kinds, kind_cum = history.kind_list, history.kind_cum
        picked = [dice.weighted(kinds, kind_cum) for _ in range(count)]

        origin = time.today - dice.between(10, HISTORY_DAYS)
        plans: list[tuple[int, int, Kind]] = []
        if picked:
            first_created, first_start = self._plan(picked[0], origin)
            plans.append((first_created, first_start, picked[0]))
            first_day = (first_start + time.offset(origin)) // DAY
            for kind in picked[1:]:
                if first_day + 1 < time.today - 1:
                    created, start = self._plan(kind, dice.between(first_day + 1, time.today - 1))
                    if start > first_start + DAY:
                        plans.append((max(created, first_created + 60), start, kind))
            plans.sort(key=lambda plan: (plan[0], plan[1]))
            created = first_created
        else:
            created = time.at(origin, dice.between(8 * 60, 18 * 60 - 1)) + dice.below(60)

        person = self._person(commercial, created)
        if dice.chance(MEMBERS):
            self._membership(person)
        places = person.places
        for index, (job_created, start, kind) in enumerate(plans):
            place = places[0] if len(places) == 1 or dice.chance(0.85) else places[1]
            status = "Canceled" if dice.chance(CANCELED) else "Completed"
            history.job(
                person, place, kind, job_created, start, status, dice.pick(kind.techs), self._campaign(index)
            )
        if dice.chance(UPCOMING):
            self._upcoming(person)
        history.finish(person)

    def _person(self, commercial: bool, created: int) -> Person:
        dice = self.dice
        email: str | None
        if commercial:
            name = self.names.business()
            email = self.emails.take(name, dice.pick(names.EMAIL_DOMAINS)) if dice.chance(0.9) else None
        else:
            first, last = self.names.person()
            name = f"{first} {last}"
            email = (
                self.emails.take(f"{first}.{last}", dice.pick(names.EMAIL_DOMAINS))
                if dice.chance(0.8)
                else None
            )
        mobile = dice.chance(0.4)
        contacts: list[tuple[str, str, str | None]] = [
            (
                "MobilePhone" if mobile else "Phone",
                self.phones.take(),
                "Cell" if mobile else ("Office" if commercial else "Home"),
            )
        ]
        if dice.chance(0.12):
            contacts.append(
                ("Phone" if mobile else "MobilePhone", self.phones.take(), "Home" if mobile else "Cell")
            )
        if email:
            contacts.append(("Email", email, None))
        address = self.addresses.make()
        extra = _NO_PLACES
        if dice.chance(SECOND_PLACE[commercial]):
            second = self.addresses.make()
            extra = ((f"{'Warehouse' if commercial else 'Rental'} – {second['street']}", second),)
        return self.history.person(
            name, address, created, contacts, commercial=commercial, extra_places=extra
        )

    def _membership(self, person: Person) -> None:
        dice, today = self.dice, self.time.today
        joined = person.created // DAY + 1
        if dice.chance(0.8) or joined > today - 370:
            start = max(today - dice.between(10, 355), joined)
        else:
            start = dice.between(joined, today - 370)
        self.history.membership(person, 0 if dice.chance(0.75) else 1, start, dice.chance(0.5))

    def _campaign(self, index: int) -> int:
        dice, setup = self.dice, self.history.setup
        if index and dice.chance(0.7):
            return setup.repeat_campaign
        return dice.weighted(setup.campaign_ids, self.history.first_campaign_cum)

    # --- the coming two weeks ------------------------------------------------------------------

    def _upcoming(self, person: Person) -> None:
        """Book a visit in the next two weeks, inside a qualified technician's open shift hours."""
        dice, history, time = self.dice, self.history, self.time
        kind = dice.weighted(history.planned, history.planned_cum)
        length = kind.duration // 60
        for _ in range(6):
            tech = dice.pick(kind.techs)
            day = time.today + dice.between(1, UPCOMING_DAYS)
            hours = history.setup.open_hours.get((tech.id, day))
            if hours is None:
                continue
            opens, closes = hours
            window = dice.pick(WINDOWS)
            if window < opens or window + length > closes:
                continue
            busy = history.booked.setdefault((tech.id, day), [])
            load = sum(end - begin for begin, end in busy)
            if load + length > UTILIZATION * (closes - opens):
                continue
            if any(begin < window + length and window < end for begin, end in busy):
                continue
            busy.append((window, window + length))
            created = max(time.now - dice.between(3600, 10 * DAY), person.created + 60)
            campaign = history.setup.default_campaign if dice.chance(0.4) else self._campaign(1)
            start = time.at(day, window)
            history.job(person, person.places[0], kind, created, start, "Scheduled", tech, campaign)
            return
