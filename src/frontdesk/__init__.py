"""Frontdesk: an open-source AI receptionist for home-services businesses that run on ServiceTitan."""

__version__ = "0.1.0"
