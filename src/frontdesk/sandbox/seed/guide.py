"""The seed guide's existing customer, Robert Johnson, exactly as its examples need him.

He calls to book his annual HVAC maintenance: the last one was about twelve months ago, by Mike
Rodriguez, invoiced and paid; he is a Comfort Club member. (Sarah Williams, the guide's new caller,
is deliberately not generated.)
"""

from __future__ import annotations

from frontdesk.sandbox import records
from frontdesk.sandbox.seed import catalog
from frontdesk.sandbox.seed.crowd import Crowd
from frontdesk.sandbox.seed.history import History
from frontdesk.sandbox.seed.timeline import DAY

RESERVED_EMAILS = (catalog.GUIDE_CUSTOMER["email"], "sarah.williams@email.com")


def add_guide_customer(history: History, crowd: Crowd) -> None:
    time, setup = history.time, history.setup
    who = catalog.GUIDE_CUSTOMER
    home = records.address(who["street"], who["city"], who["state"], who["zip"])
    joined = crowd.workday(time.today - 3 * 365 - 20)
    person = history.person(
        who["name"],
        home,
        time.at(joined, 10 * 60 + 12),
        [("Phone", who["phone"], "Home"), ("Email", who["email"], None)],
    )
    history.membership(person, 0, time.today - 200, annual=True)
    mike = setup.tech(catalog.GUIDE_TECHNICIAN)
    visits = (
        # (days ago, local start minute, job type, technician, campaign)
        (3 * 365 - 20, 13 * 60, "HVAC Repair", setup.tech("Carlos Ramirez"), setup.campaign_ids[1]),
        (2 * 365, 10 * 60, "HVAC Maintenance", mike, setup.repeat_campaign),
        (365, 10 * 60, "HVAC Maintenance", mike, setup.repeat_campaign),
    )
    for index, (days_ago, minute, kind_name, tech, campaign) in enumerate(visits):
        day = crowd.workday(time.today - days_ago + (2 if index == 0 else 0))
        start = time.at(day, minute)
        created = person.created if index == 0 else start - 9 * DAY
        kind = history.kinds[kind_name]
        history.job(
            person,
            person.places[0],
            kind,
            created,
            start,
            "Completed",
            tech,
            campaign,
            invoice=True,
            paid=True,
        )
    history.finish(person)
