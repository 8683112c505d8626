"""The "where, when and why" section: rendered from the stored release, in Dutch numbers and
labels (no codes), hidden cells marked as in the page's other tables (a dash, the letter of
its reason, the reason under the table), the same rows in the downloads, and
no section for a region or cohort selection (published nationally and per form only)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from schakel.engine.monitor.breakdowns import DIMENSION_NAMES
from schakel.engine.vocabulary import ModusOperandi, RecruitmentMethod, Role
from schakel.web.core.csv_files import read_csv
from schakel.web.core.testing import signed_in
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.monitor.data import clear_cache
from schakel.web.monitor.models import ReleaseSelection
from schakel.web.monitor.stored import compute_release, save_release
from schakel.web.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
K = 10
REASONS = {  # the page's footnotes, the same in every table of the monitor
    "a": "Verborgen: te weinig personen (minder dan 10)",
    "b": "Verborgen om een andere cel te beschermen",
    "c": "Niet te berekenen: niemand is zo lang gevolgd, of niemand is teruggekeerd",
}


@pytest.fixture
def region() -> None:
    clear_cache()
    do_seed_region(seed_parameters(persons=1200, seed=11))
    save_release(compute_release(k=K))


@pytest.fixture
def analyst(org_a: Organisation, member: Callable[..., Membership]) -> Client:
    return signed_in(member(org_a, Role.ANALYST))


def _notes(html: str, table_id: str) -> dict[str, str]:
    notes = re.search(rf'<dl class="schakel-notes" id="{table_id}-notes">(.*?)</dl>', html, re.S)
    if notes is None:
        return {}
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", notes.group(1)))


def _hidden_marker(cell: str) -> str:
    """The footnote letter of a hidden cell ("\u2013" with a letter and the reason for screen
    readers); fails on any other way of marking one (a dash with words, a bare dash)."""
    match = re.fullmatch(r"\u2013([a-d]) \((.+)\)", cell)
    assert match is not None, cell
    assert REASONS[match.group(1)] == match.group(2)
    return match.group(1)


def _rows(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table class="utrecht-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert body is not None, table_id
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", body.group(1), re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in rows[1:]]
    return [[re.sub(r"<.*?>", "", c).strip() for c in row] for row in cells]


def test_the_section_renders_every_table_from_the_stored_release(
    region: None, analyst: Client
) -> None:
    stored = ReleaseSelection.objects.get(key="all").content["breakdowns"]
    # the municipality is free text, sealed beside the payload: the monitor never sees it
    assert set(stored) == set(DIMENSION_NAMES) - {"municipality"}
    html = analyst.get("/monitor/").content.decode()
    assert "Waar, wanneer en waarom" in html and 'id="where-legend"' in html
    seen: set[str] = set()
    for name in stored:
        table_id = f"where-{name.replace('_', '-')}"
        rows = _rows(html, table_id)
        assert len(rows) == len(stored[name]["rows"]), name
        markers: set[str] = set()
        assert rows[-1][0] == "Alle"
        for row, want in zip(rows, stored[name]["rows"], strict=True):
            returns = row[2] if name != "detection" else row[1]
            if name != "detection" and want["episodes"] is None:
                markers.add(_hidden_marker(row[1]))
            if want["returns"] is None:
                markers.add(_hidden_marker(returns))
            else:
                assert int(returns.replace(".", "")) == want["returns"]
                assert want["returns"] >= K or want["returns"] == 0
            share = row[3] if name != "detection" else row[2]
            if want["estimate"] is not None:  # Dutch: decimal comma, a space, a percent sign
                assert re.fullmatch(r"\d+(,\d)?\u00a0%", share), share
            else:
                markers.add(_hidden_marker(share))
                if name != "detection":  # the interval says the same
                    assert row[4] == share
        assert _notes(html, table_id) == {m: REASONS[m] for m in markers}, name
        seen |= markers
    assert seen, "the region hides some cells: the test sees how they are marked"
    codes = [m.value for m in ModusOperandi] + [m.value for m in RecruitmentMethod]
    section = html.split('id="where-heading"')[1].split('id="flows-heading"')[0]
    assert not any(re.search(rf">{code}<", section) for code in codes)
    assert "region:" not in section and ">none<" not in section
    assert "Overig (kleine groepen samen)" in section


def test_english_is_complete(region: None, analyst: Client) -> None:
    analyst.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = analyst.get("/monitor/").content.decode()
    section = html.split('id="where-heading"')[1].split('id="flows-heading"')[0]
    assert "Where, when and why" in section and "By modus operandi" in section
    assert "Chance of return within 12 months" in section and "Other (small groups" in section
    assert "Waar" not in section and "Naar " not in section


def test_a_form_has_its_own_tables_and_a_region_has_none(region: None, analyst: Client) -> None:
    labour = ReleaseSelection.objects.get(key="form:labour").content["breakdowns"]
    national = ReleaseSelection.objects.get(key="all").content["breakdowns"]
    assert [r["level"] for r in labour["sector"]["rows"]] == [
        r["level"] for r in national["sector"]["rows"]
    ]
    html = analyst.get("/monitor/?region=rotterdam").content.decode()
    assert 'id="where-not-published"' in html and 'id="where-modus-operandi"' not in html


def test_downloads_hold_the_same_rows_with_the_reason(region: None, analyst: Client) -> None:
    response = analyst.get("/monitor/export.csv?table=where")
    rows = read_csv(response.content.decode())
    stored = ReleaseSelection.objects.get(key="all").content["breakdowns"]
    assert len(rows) - 1 == sum(len(t["rows"]) for t in stored.values())
    for row in rows[1:]:
        for cell in row[2:4]:
            if re.fullmatch(r"\d+", cell):
                assert int(cell) >= K or int(cell) == 0
        hidden = row[2].startswith("<") or row[3].startswith("<") or "\u00d7" in row[2:4]
        assert (row[7] != "") == (hidden or row[7].startswith("niemand"))
    book = analyst.get("/monitor/export.xlsx?table=where")
    assert book.status_code == 200 and book.content[:2] == b"PK"
