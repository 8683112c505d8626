"""The monitor pages publish only protected aggregates, to analysts and supervisors only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.monitor_cli import write_report
from schakel.web.core.csv_files import decimal_comma, read_csv
from schakel.web.core.testing import signed_in
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.monitor.data import clear_cache
from schakel.web.monitor.publish import DASH, SECONDARY, TABLES
from schakel.web.monitor.stored import compute_release, save_release
from schakel.web.monitor.workbook import XLSX_TYPE
from schakel.web.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
K = 10


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_cache()


@pytest.fixture
def region() -> None:
    do_seed_region(seed_parameters(persons=1200, seed=11))
    save_release(compute_release(k=K))


@pytest.fixture
def analyst(org_a: Organisation, member: Callable[..., Membership]) -> Client:
    return signed_in(member(org_a, Role.ANALYST))


def _table(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table class="utrecht-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert body is not None, table_id
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", body.group(1), re.S)
    return [
        [
            _plain(re.sub(r"<.*?>", "", _without_note(c)).strip())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows[1:]
    ]


def _without_note(cell: str) -> str:
    """A hidden cell without its footnote letter and spoken reason: "\u2013"."""
    cell = re.sub(r'<sup class="schakel-note"[^>]*>.*?</sup>', "", cell, flags=re.S)
    return re.sub(r'<span class="visually-hidden">.*?</span>', "", cell, flags=re.S)


def _as_on_the_page(rows: list[list[str]], page: list[list[str]]) -> list[list[str]]:
    """Download rows as the page shows them: where the page hides a cell ("\u2013" with its
    reason) the download marks it "< k", the multiplication sign or "-"."""
    marks = (f"< {K}", SECONDARY, "-")
    return [
        [
            DASH if c in marks and i < len(page) and j < len(page[i]) and page[i][j] == DASH else c
            for j, c in enumerate(row)
        ]
        for i, row in enumerate(rows)
    ]


def _plain(cell: str) -> str:
    """A page cell as the download writes it: without the Dutch thousands separator."""
    return re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", cell)


def _no_small_counts(cells: list[str]) -> None:
    """Every count reaches k; a 0 (nobody) is published by design (ADR 0021)."""
    for cell in cells:
        if re.fullmatch(r"\d+", cell):
            assert int(cell) >= K or int(cell) == 0, cell


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FRONTLINE])
def test_other_roles_are_refused(
    org_a: Organisation, member: Callable[..., Membership], role: Role
) -> None:
    client = signed_in(member(org_a, role))
    assert client.get("/monitor/").status_code == 403
    assert client.get("/monitor/export.csv?table=funnel").status_code == 403
    assert client.get("/monitor/export.xlsx?table=funnel").status_code == 403
    assert client.get("/monitor/export.xlsx?table=all").status_code == 403


def test_supervisor_sees_the_page(org_a: Organisation, member: Callable[..., Membership]) -> None:
    assert signed_in(member(org_a, Role.SUPERVISOR)).get("/monitor/").status_code == 200


def test_analyst_sees_only_protected_cells_and_charts_match(region: None, analyst: Client) -> None:
    html = analyst.get("/monitor/").content.decode()
    funnel = _table(html, "funnel-table")
    assert len(funnel) == 7
    for table_id in ("funnel-table", "incidence-table", "completeness-table", "quality-table"):
        rows = _table(html, table_id)
        _no_small_counts([c for row in rows for c in row[1:] if table_id != "incidence-table"])
    incidence = _table(html, "incidence-table")
    _no_small_counts([c for row in incidence for c in row[2:4]])
    bars = dict(
        re.findall(r'data-label="([^"]+)" data-value="([^"]+)"', html.split("incidence-chart")[0])
    )
    shown = {row[0]: row[1] for row in funnel if row[1].isdigit()}
    assert shown and {k: str(int(float(v))) for k, v in bars.items()} == shown
    assert all(r[1].isdigit() or r[1] == DASH for r in funnel)
    assert 'role="img"' in html and 'aria-labelledby="funnel-chart-title funnel-chart-desc"' in html
    assert ("hazards-table" in html) != ("hazards-message" in html)


def test_csv_is_what_the_page_shows_and_filters_change_numbers(
    region: None, analyst: Client
) -> None:
    page = _table(analyst.get("/monitor/").content.decode(), "funnel-table")
    response = analyst.get("/monitor/export.csv?table=funnel")
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response.content.decode())
    assert _as_on_the_page(rows[1:], page) == page
    _no_small_counts([c for row in rows[1:] for c in row[1:]])
    incidence = read_csv(
        analyst.get("/monitor/export.csv?table=incidence&stratum=region").content.decode()
    )
    _no_small_counts([c for row in incidence[1:] for c in row[2:4]])
    filtered = _table(analyst.get("/monitor/?region=rotterdam").content.decode(), "funnel-table")
    assert filtered != page
    assert analyst.get("/monitor/export.csv?table=nonsense").status_code == 404


def test_query_count_does_not_grow_with_the_data(
    region: None, analyst: Client, django_assert_max_num_queries: Any
) -> None:
    analyst.get("/monitor/")
    with django_assert_max_num_queries(8):
        assert analyst.get("/monitor/?form=labour&stratum=placement").status_code == 200


def test_report_writer_writes_protected_files(region: None, tmp_path: Path) -> None:
    written = write_report(tmp_path, region=None, k=K)
    names = {p.name for p in written}
    assert {"funnel.csv", "incidence.csv", "sensitivity.csv", "report.html"} <= names
    assert "monitor.xlsx" in names
    assert all(p.stat().st_size > 0 for p in written)
    rows = list(csv.reader((tmp_path / "funnel.csv").open(encoding="utf-8")))
    _no_small_counts([c for row in rows[1:] for c in row[1:]])
    assert 'role="img"' in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_flows_show_only_paths_of_at_least_k_persons(region: None, analyst: Client) -> None:
    html = analyst.get("/monitor/").content.decode()
    flows = _table(html, "flows-table")
    steps = _table(html, "flow-steps-table")
    assert flows and steps
    _no_small_counts([row[1] for row in flows])  # path, trajectories, median days
    _no_small_counts([row[2] for row in steps])  # from, to, trajectories, median days
    # a path or step the release hides (with the stages, ADR 0026) shows no count
    if all(row[1] != DASH for row in flows):
        counts = [int(row[1].replace(".", "")) for row in flows]
        assert sum(counts[:-1]) == counts[-1]  # paths (and other paths) add up to all
    rows = read_csv(analyst.get("/monitor/export.csv?table=flows&region=utrecht").content.decode())
    page = _table(analyst.get("/monitor/?region=utrecht").content.decode(), "flows-table")
    assert _as_on_the_page(rows[1:], page) == page


def test_report_writes_flows(region: None, tmp_path: Path) -> None:
    written = {p.name for p in write_report(tmp_path, region=None, k=K)}
    assert {"flows.csv", "flow_steps.csv"} <= written


def test_ctdc_export_suppresses_every_cell_below_k(region: None, tmp_path: Path) -> None:
    from schakel.monitor_cli import ctdc_variables, write_ctdc

    path = write_ctdc(tmp_path, k=K)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows and {r["variable"] for r in rows} == set(ctdc_variables())
    assert "gender" not in rows[0] and "citizenship" not in rows[0]
    for row in rows:
        if row["status"] == "published":
            assert int(row["count"]) >= K
        else:
            assert row["count"] == ""
    published = {
        (r["yearOfRegistration"], r["ageBroad"], r["variable"]): int(r["count"])
        for r in rows
        if r["count"]
    }
    total = published.get(("All", "All", "victims"))
    assert total is not None and total > 0
    by_age = [published.get(("All", a, "victims")) for a in ("Minor", "Adult", "Unknown")]
    if all(v is not None for v in by_age):
        assert sum(v for v in by_age if v is not None) == total
    # exactly one suppressed cell in a margin equation never happens
    for variable in ctdc_variables():
        ages = [r for r in rows if r["variable"] == variable and r["yearOfRegistration"] == "All"]
        hidden = [r for r in ages if r["ageBroad"] != "All" and not r["count"]]
        shown_total = any(r["ageBroad"] == "All" and r["count"] for r in ages)
        assert not (shown_total and len(hidden) == 1)


def _workbook(response: Any) -> Any:
    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    return load_workbook(io.BytesIO(response.content))


def _as_text(value: object, number_format: str) -> str:
    """A workbook cell as the CSV writes it: numbers with the decimals of their format."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):  # a whole float may come back as an int
        decimals = len(number_format.split(".")[1]) if "." in number_format else 0
        return f"{value:.{decimals}f}"
    return str(value)


def test_xlsx_holds_exactly_the_csv_rows_with_numbers_as_numbers(
    region: None, analyst: Client
) -> None:
    query = "region=rotterdam&stratum=placement"
    book = _workbook(analyst.get(f"/monitor/export.xlsx?{query}&table=all"))
    about = [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert "Rotterdam" in about and K in about  # the filters and k, in the page's language
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(v)) for v in about)  # release date
    assert len(book.sheetnames) == 1 + len(TABLES)
    numbers = 0
    for name, sheet_name in zip(TABLES, book.sheetnames[1:], strict=True):
        csv_rows = read_csv(
            analyst.get(f"/monitor/export.csv?{query}&table={name}").content.decode()
        )
        sheet = book[sheet_name]
        cells = [[_as_text(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]
        assert [[decimal_comma(c) for c in row] for row in cells] == csv_rows, name
        for row in sheet.iter_rows(min_row=2):
            for cell in row[1:]:
                text = str(cell.value)
                if text.startswith("<") or text == SECONDARY or text == "-":
                    assert isinstance(cell.value, str)  # marked as in the CSV, never a number
                elif re.fullmatch(r"-?\d+(\.\d+)?", text):
                    assert isinstance(cell.value, int | float)
                    numbers += 1
    assert numbers > 0
    single = _workbook(analyst.get(f"/monitor/export.xlsx?{query}&table=funnel"))
    assert len(single.sheetnames) == 2
    assert analyst.get("/monitor/export.xlsx?table=nonsense").status_code == 404


def test_page_links_to_the_xlsx_downloads(region: None, analyst: Client) -> None:
    html = analyst.get("/monitor/?region=utrecht").content.decode()
    assert "/monitor/export.xlsx?region=utrecht&amp;table=funnel" in html
    assert "/monitor/export.xlsx?region=utrecht&amp;table=all" in html


def test_downloads_are_named_in_the_readers_language_with_selection_and_date(
    region: None, analyst: Client
) -> None:
    today = timezone.localdate().isoformat()

    def name(url: str) -> str:
        response = analyst.get(url)
        assert response.status_code == 200
        found = re.search(r'filename="(.*)"', response["Content-Disposition"])
        assert found is not None
        return found.group(1)

    assert name("/monitor/export.csv?table=funnel&form=labour") == (
        f"monitor-trechter-arbeidsuitbuiting-{today}.csv"
    )
    assert name("/monitor/export.csv?table=flow_steps") == f"monitor-stappen-alle-{today}.csv"
    assert name("/monitor/export.xlsx?table=all") == f"monitor-alle-tabellen-alle-{today}.xlsx"
    analyst.cookies["django_language"] = "en"
    assert name("/monitor/export.csv?table=funnel&form=labour") == (
        f"monitor-funnel-labour-exploitation-{today}.csv"
    )
    assert name("/monitor/export.xlsx?table=all&region=amsterdam") == (
        f"monitor-all-tables-amsterdam-{today}.xlsx"
    )


def test_the_cohort_year_is_chosen_from_the_years_the_release_publishes(
    region: None, analyst: Client
) -> None:
    from schakel.web.monitor.models import ReleaseSelection

    keys = ReleaseSelection.objects.values_list("key", flat=True)
    years = sorted(int(key.split(":")[1]) for key in keys if key.startswith("cohort:"))
    assert years
    html = analyst.get("/monitor/").content.decode()
    select = re.search(r'<select name="cohort"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, "a list, not a typed number"
    assert "utrecht-select" in select.group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    assert options == [("", "Alle jaren"), *((str(y), str(y)) for y in years)]
    chosen = analyst.get(f"/monitor/?cohort={years[-1]}")
    assert f'<option value="{years[-1]}" selected>' in chosen.content.decode()
    assert chosen.context["monitor"] is not None
    assert chosen.context["form"].filters().cohort == years[-1]
    response = analyst.get(f"/monitor/export.csv?table=funnel&cohort={years[-1]}")
    assert response.status_code == 200
    assert f"-{years[-1]}-" in response["Content-Disposition"], "the file names the year"
    missing = analyst.get("/monitor/?cohort=1999").content.decode()
    assert "Kies een cohortjaar uit de lijst" in missing
