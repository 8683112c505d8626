"""What other apps use of the social map."""

from __future__ import annotations

from schakel.web.socialmap.actions import do_seed_social_map, transfer_maintenance
from schakel.web.socialmap.selectors import Contact, contacts_for

__all__ = [
    "Contact",  # someone to call, in the reader's language
    "contacts_for",  # who to contact in a region for a form of exploitation and age group
    "do_seed_social_map",  # fictional services per region, for the demo (safe to rerun)
    "transfer_maintenance",  # entries kept by one person pass to a colleague (a handover)
]
