"""What other apps use of accounts: the home page's access panel."""

from __future__ import annotations

from schakel.web.accounts.selectors import AccessSummary, access_summary

__all__ = [
    "AccessSummary",  # roles due for the access review, invitations not yet accepted
    "access_summary",  # the summary for the acting membership
]
