"""The demo business's fixed catalogue: business units, job types, campaigns, reasons, staff and prices.

One company in Springfield, Illinois with three trades. The technicians, the customer and the numbers
named in the seed guide (Mike Rodriguez, Dave Martinez, John Smith, Robert Johnson) are here too.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPANY = "Capital City Home Services"
COMPANY_DOMAIN = "capitalcityhome.example.com"
COMPANY_ADDRESS = ("2401 S MacArthur Blvd", "Springfield", "IL", "62704")

HOUR = 3600


@dataclass(frozen=True)
class Unit:
    key: str
    name: str
    official: str
    phone: str
    email: str


UNITS = (
    Unit("hvac", "HVAC Service", f"{COMPANY} – Heating & Cooling", "2175550100", f"hvac@{COMPANY_DOMAIN}"),
    Unit("plumbing", "Plumbing Service", f"{COMPANY} – Plumbing", "2175550101", f"plumbing@{COMPANY_DOMAIN}"),
    Unit(
        "electrical",
        "Electrical Service",
        f"{COMPANY} – Electrical",
        "2175550102",
        f"electric@{COMPANY_DOMAIN}",
    ),
)


@dataclass(frozen=True)
class Part:
    description: str
    price: str
    quantity: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class JobKind:
    """A job type, with what the generator needs to invent jobs of it."""

    name: str
    unit: str
    skills: tuple[str, ...]
    priority: str
    hours: float
    summary: str
    job_summaries: tuple[str, ...]
    weight: int  # how often it appears in the service history
    fee: tuple[str, str] | None  # (description, price) of the flat first line of the invoice
    labor_hours: tuple[int, int]  # (min, max) billed hours; (0, 0) for none
    parts: tuple[Part, ...] = ()
    invoiced: bool = True  # estimates are free and get no invoice


_CAPACITOR = Part("Run capacitor 45/5 MFD", "65.00")
_CONTACTOR = Part("Contactor, 2-pole 40A", "48.00")
_IGNITER = Part("Hot surface igniter", "85.00")
_FLAME = Part("Flame sensor", "45.00")
_BLOWER = Part("Blower motor 1/2 HP", "385.00")
_REFRIGERANT = Part("Refrigerant R-410A (per lb)", "95.00", (1, 3))
_FITTING = Part("Compression fitting 1/2 in.", "12.50", (1, 4))
_PTRAP = Part("P-trap assembly 1-1/2 in.", "28.00")
_SUPPLY = Part("Braided supply line 20 in.", "18.00", (1, 2))
_COUPLING = Part("PEX repair coupling", "9.50", (1, 4))
_SHUTOFF = Part("Quarter-turn shut-off valve", "32.00")
_BREAKER = Part("Circuit breaker 20A single-pole", "45.00")
_GFCI = Part("GFCI outlet 20A", "38.00", (1, 3))
_SWITCH = Part("Single-pole switch", "14.00", (1, 3))
_DIMMER = Part("Dimmer switch", "42.00")

SERVICE_CALL = ("Diagnostic service call", "89.00")
AFTER_HOURS = ("Emergency after-hours service call", "189.00")
LABOR = ("Labor (per hour)", "125.00")

JOB_KINDS = (
    JobKind(
        "HVAC Maintenance", "hvac", ("HVAC Maintenance",), "Normal", 2,
        "Annual tune-up: complete system inspection, filter replacement and performance check.",
        ("Annual HVAC maintenance", "Spring AC tune-up", "Fall furnace tune-up", "Annual furnace and AC check"),
        26, ("Annual HVAC tune-up", "149.00"), (0, 0), (Part("Air filter 16x25x1", "24.00", (1, 2)),),
    ),
    JobKind(
        "HVAC Repair", "hvac", ("HVAC Repair",), "Normal", 2,
        "Diagnose and repair a heating or cooling system that is not working right.",
        ("AC blowing warm air", "Furnace short cycling", "Thermostat not responding", "Strange noise from blower",
         "Ice on the outdoor unit"),
        12, SERVICE_CALL, (1, 3), (_CAPACITOR, _CONTACTOR, _IGNITER, _FLAME, _BLOWER, _REFRIGERANT),
    ),
    JobKind(
        "No Heat / No Cooling Emergency", "hvac", ("HVAC Repair",), "Urgent", 2,
        "Emergency visit when the home has no heat or no cooling.",
        ("No heat, furnace will not start", "No cooling, house at 85 degrees", "Furnace shut off overnight"),
        5, AFTER_HOURS, (1, 3), (_IGNITER, _FLAME, _CAPACITOR, _CONTACTOR),
    ),
    JobKind(
        "AC/Furnace Replacement Estimate", "hvac", ("HVAC Installation",), "Normal", 1.5,
        "Free in-home estimate for replacing an air conditioner or furnace.",
        ("Estimate for new AC", "Furnace is 20 years old, wants replacement quote", "Heat pump replacement quote"),
        4, None, (0, 0), invoiced=False,
    ),
    JobKind(
        "Leak Repair", "plumbing", ("Plumbing Repair",), "High", 1.5,
        "Find and fix a leaking pipe, fixture or valve.",
        ("Leak under kitchen sink", "Dripping shower valve", "Water stain on ceiling below bathroom",
         "Leaking toilet supply line"),
        9, SERVICE_CALL, (1, 2), (_FITTING, _PTRAP, _SUPPLY, _COUPLING, _SHUTOFF),
    ),
    JobKind(
        "Drain Cleaning", "plumbing", ("Drain Cleaning",), "Normal", 1.5,
        "Clear a slow or clogged drain or sewer line.",
        ("Kitchen drain clogged", "Basement floor drain backing up", "Slow bathroom sink", "Main line backup"),
        8, ("Drain clearing, standard", "195.00"), (0, 1), (Part("Camera inspection of line", "175.00"),),
    ),
    JobKind(
        "Water Heater Repair", "plumbing", ("Water Heater",), "Normal", 2,
        "Diagnose and repair a gas or electric water heater.",
        ("No hot water", "Water heater leaking at the base", "Pilot light keeps going out",
         "Hot water runs out quickly"),
        6, SERVICE_CALL, (1, 2),
        (Part("Thermocouple", "35.00"), Part("Gas control valve", "289.00"), Part("Heating element 4500W", "65.00"),
         Part("Anode rod", "55.00")),
    ),
    JobKind(
        "Emergency Plumbing", "plumbing", ("Plumbing Repair",), "Urgent", 2,
        "Emergency visit for burst pipes, flooding or sewage backups.",
        ("Burst pipe in basement", "Water heater flooding the basement", "Sewage backing up into tub"),
        4, AFTER_HOURS, (1, 3), (_COUPLING, _SHUTOFF, _FITTING),
    ),
    JobKind(
        "Electrical Repair", "electrical", ("Electrical Repair",), "Normal", 1.5,
        "Repair outlets, switches and circuits.",
        ("Outlets dead in living room", "GFCI keeps tripping", "Light switch sparks", "Breaker trips when the "
         "microwave runs"),
        9, SERVICE_CALL, (1, 2), (_BREAKER, _GFCI, _SWITCH, _DIMMER),
    ),
    JobKind(
        "Panel Upgrade Estimate", "electrical", ("Panel Upgrade",), "Normal", 1,
        "Free estimate for upgrading an electrical panel or service.",
        ("Upgrade 100A panel to 200A", "Panel for EV charger", "Old fuse box replacement quote"),
        3, None, (0, 0), invoiced=False,
    ),
    JobKind(
        "Electrical Emergency", "electrical", ("Electrical Repair",), "Urgent", 1.5,
        "Emergency visit for burning smells, sparking or loss of power.",
        ("Burning smell from outlet", "Half the house lost power", "Sparking at the panel"),
        3, AFTER_HOURS, (1, 2), (_BREAKER, _GFCI),
    ),
    JobKind(
        "Lighting Installation", "electrical", ("Lighting",), "Low", 3,
        "Install light fixtures, recessed lighting or ceiling fans.",
        ("Install recessed lights in kitchen", "Replace ceiling fan", "Add outdoor motion lights"),
        5, None, (2, 4), (Part("LED recessed light 6 in.", "42.00", (4, 8)), Part("Ceiling fan mounting kit", "35.00")),
    ),
)  # fmt: skip

JOB_KIND = {kind.name: kind for kind in JOB_KINDS}


@dataclass(frozen=True)
class Person:
    name: str
    unit: str
    skills: tuple[str, ...]
    bio: str | None = None
    guide: bool = False  # named in the seed guide: never on time off in the coming weeks


TECHNICIANS = (
    Person(
        "Mike Rodriguez", "hvac", ("HVAC Maintenance", "HVAC Repair", "HVAC Installation"),
        "Certified HVAC specialist, NATE certified, 14 years with the company.", guide=True,
    ),
    Person(
        "John Smith", "hvac", ("HVAC Maintenance", "HVAC Repair", "Electrical Repair", "Lighting"),
        "HVAC and electrical technician.", guide=True,
    ),
    Person("Carlos Ramirez", "hvac", ("HVAC Maintenance", "HVAC Repair"), "HVAC service technician."),
    Person("Tyler Brooks", "hvac", ("HVAC Maintenance", "HVAC Installation"), "HVAC installer and comfort advisor."),
    Person(
        "Dave Martinez", "plumbing", ("Plumbing Repair", "Drain Cleaning", "Water Heater"),
        "Licensed plumber, 11 years of residential plumbing.", guide=True,
    ),
    Person("Luis Hernandez", "plumbing", ("Plumbing Repair", "Drain Cleaning"), "Plumber, drain specialist."),
    Person("Megan Foster", "plumbing", ("Water Heater", "Plumbing Repair"), "Licensed plumber, water heaters."),
    Person(
        "Jason Lee", "electrical", ("Electrical Repair", "Panel Upgrade", "Lighting"), "Licensed master electrician."
    ),
    Person("Brian Walsh", "electrical", ("Electrical Repair", "Lighting"), "Journeyman electrician."),
    Person("Amanda Price", "electrical", ("Electrical Repair", "Panel Upgrade"), "Licensed electrician."),
)  # fmt: skip

# (name, category, default): the receptionist books into the default campaign.
CAMPAIGN_CATEGORIES = ("Digital", "Word of Mouth", "Offline")
CAMPAIGNS = (
    ("Website Chat", "Digital", True),
    ("Google Ads", "Digital", False),
    ("Referral", "Word of Mouth", False),
    ("Repeat Customer", "Word of Mouth", False),
    ("Yard Sign", "Offline", False),
    ("Direct Mail", "Offline", False),
)
# weights of each campaign for a customer's first job (later jobs come mostly from "Repeat Customer")
FIRST_JOB_CAMPAIGN_WEIGHTS = (14, 30, 24, 0, 14, 18)

CANCEL_REASONS = (
    "Customer canceled",
    "Scheduled by mistake",
    "Found another provider",
    "Issue resolved itself",
    "Price too high",
)
HOLD_REASONS = ("Waiting on parts", "Customer requested hold", "Waiting on permit", "Waiting on approval")

# (membership type id, unit, memo)
MEMBERSHIP_TYPES = (
    (1, "hvac", "Comfort Club: two tune-ups a year, priority scheduling, 15% off repairs."),
    (2, "plumbing", "Plumbing Protection Plan: annual inspection and water heater flush."),
)

BUSINESS_HOURS = {
    "weekdays": [{"fromHour": 8, "toHour": 18}],
    "saturday": [{"fromHour": 9, "toHour": 13}],
    "sunday": [],
}

SALES_TAX_RATE_PER_10K = 625  # 6.25 %, the business units' defaultTaxRate, applied to materials

# The seed guide's customer.
GUIDE_CUSTOMER = {
    "name": "Robert Johnson",
    "phone": "5551234567",
    "email": "robert.johnson@example.com",
    "street": "1234 Main Street",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
}
GUIDE_TECHNICIAN = "Mike Rodriguez"
