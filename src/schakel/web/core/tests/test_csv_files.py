"""CSV for people opens in Dutch Excel; CSV for machines stays plain; names carry the selection."""

from __future__ import annotations

import datetime as dt

from django.test import RequestFactory
from django.utils import translation

from schakel.web.core.csv_files import BOM, csv_response, csv_text, file_name, read_csv

ROWS: list[list[object]] = [["Rotterdam", 12, "0.815"], ["Den Haag", None, "< 10"]]


def test_dutch_csv_uses_semicolons_decimal_commas_and_a_bom() -> None:
    text = csv_text(["Regio", "Aantal", "Aandeel"], ROWS, dutch=True)
    assert text.startswith(BOM)
    assert text.splitlines()[1] == "Rotterdam;12;0,815"
    assert read_csv(text) == [
        ["Regio", "Aantal", "Aandeel"],
        ["Rotterdam", "12", "0,815"],
        ["Den Haag", "", "< 10"],
    ]


def test_international_csv_is_plain() -> None:
    text = csv_text(["Region", "Count", "Share"], ROWS, dutch=False)
    assert not text.startswith(BOM)
    assert text.splitlines()[1] == "Rotterdam,12,0.815"


def test_file_name_carries_selection_and_date() -> None:
    name = file_name("monitor-funnel", ["Den Haag", "Seksuele uitbuiting"], on=dt.date(2026, 12, 6))
    assert name == "monitor-funnel-den-haag-seksuele-uitbuiting-2026-12-06.csv"


def test_response_is_dutch_unless_machines_ask() -> None:
    def table() -> tuple[list[str], list[list[object]]]:
        return [translation.gettext("Trajectories")], [["0.5"]]

    factory = RequestFactory()
    with translation.override("nl"):
        dutch = csv_response(factory.get("/x"), table, stem="t", selection=["a"])
        plain = csv_response(
            factory.get("/x", {"format": "csv-international"}), table, stem="t", selection=[]
        )
    assert dutch.content.decode("utf-8") == BOM + "Trajecten\r\n0,5\r\n"
    assert plain.content.decode("utf-8") == "Trajectories\r\n0.5\r\n"
    assert (
        "t-a-" in dutch["Content-Disposition"] and "international" in plain["Content-Disposition"]
    )
