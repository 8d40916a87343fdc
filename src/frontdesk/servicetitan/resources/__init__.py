"""Thin typed helpers per ServiceTitan module; ``ServiceTitanClient.request`` reaches everything else."""

from frontdesk.servicetitan.resources._base import Exportable, ListResource, Resource
from frontdesk.servicetitan.resources.crm import Crm
from frontdesk.servicetitan.resources.dispatch import Dispatch
from frontdesk.servicetitan.resources.jpm import Jpm
from frontdesk.servicetitan.resources.small import Accounting, Marketing, Memberships, Settings

__all__ = [
    "Accounting",
    "Crm",
    "Dispatch",
    "Exportable",
    "Jpm",
    "ListResource",
    "Marketing",
    "Memberships",
    "Resource",
    "Settings",
]
