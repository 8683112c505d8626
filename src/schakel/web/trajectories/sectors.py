"""ISIC Rev. 4 sections by name (the code stored is the section letter; the Dutch names follow
the matching sections of the CBS's SBI, which is built on ISIC)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SECTIONS = {
    "A": _("Agriculture, forestry and fishing"),
    "B": _("Mining and quarrying"),
    "C": _("Manufacturing"),
    "D": _("Electricity, gas, steam and air conditioning supply"),
    "E": _("Water supply, sewerage and waste management"),
    "F": _("Construction"),
    "G": _("Wholesale and retail trade; repair of motor vehicles"),
    "H": _("Transportation and storage"),
    "I": _("Accommodation and food service (hospitality)"),
    "J": _("Information and communication"),
    "K": _("Financial and insurance activities"),
    "L": _("Real estate activities"),
    "M": _("Professional, scientific and technical activities"),
    "N": _("Administrative and support services (including temporary work agencies)"),
    "O": _("Public administration and defence"),
    "P": _("Education"),
    "Q": _("Human health and social work"),
    "R": _("Arts, entertainment and recreation"),
    "S": _("Other service activities (including personal care)"),
    "T": _("Households as employers (domestic work)"),
    "U": _("Extraterritorial organisations"),
}
"""Section letter -> name; every section A to U of ISIC Rev. 4."""
