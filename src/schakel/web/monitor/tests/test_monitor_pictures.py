"""The monitor's pictures and sentences: drawn from the stored release only, every hidden
cell with its reason, estimates in plain Dutch (and English)."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.test import Client
from django.utils import translation

from schakel.engine.disclosure import horizon_days
from schakel.engine.survival import aalen_johansen
from schakel.engine.vocabulary import Role
from schakel.web.core.labels import LABELS
from schakel.web.core.testing import signed_in
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.monitor.data import clear_cache, monitor_data
from schakel.web.monitor.flow_picture import flow_chart
from schakel.web.monitor.pictures import (
    after_exit_chart,
    after_exit_legend,
    after_exit_rows,
    after_exit_sentence,
    hidden_points,
    incidence_panels,
    incidence_sentences,
)
from schakel.web.monitor.publish import DASH, Formatter, HiddenCell
from schakel.web.monitor.stored import compute_release, save_release
from schakel.web.monitor.templatetags.monitor_cells import hidden_notes
from schakel.web.monitor.tests.test_monitor_pages import _table
from schakel.web.organisations.models import Membership, Organisation

K = 10
NBSP = "\u00a0"
INCIDENCE = ["level", "horizon_months", "episodes", "events", "estimate", "lower", "upper",
             "status"]  # fmt: skip
SENSITIVITY = ["horizon_months", "episodes", "episodes_status", "returns", "returns_status",
               "lost", "lost_status"]  # fmt: skip


def _monitor(stratum: str = "form") -> Any:
    """A stored selection as the page reads it: labour shown at 12 months, hidden at 3."""
    nan = float("nan")
    incidence = pd.DataFrame(
        [
            ("Arbeidsuitbuiting", 3, 1012, pd.NA, nan, nan, nan, "primary"),
            ("Arbeidsuitbuiting", 6, 1012, 31, 0.031, 0.021, 0.043, "published"),
            ("Arbeidsuitbuiting", 12, 1012, 46, 0.047, 0.035, 0.060, "published"),
            ("Arbeidsuitbuiting", 24, 1012, pd.NA, nan, nan, nan, "secondary"),
            ("Alle", 3, 2400, 20, 0.009, 0.005, 0.013, "published"),
            ("Alle", 6, 2400, 52, 0.022, 0.017, 0.028, "published"),
            ("Alle", 12, 2400, 110, 0.049, 0.041, 0.058, "published"),
            ("Alle", 24, 2400, 160, 0.081, 0.070, 0.093, "published"),
        ],
        columns=INCIDENCE,
    )
    sensitivity = pd.DataFrame(
        [
            (3, 2400, "published", 20, "published", 1300, "published"),
            (6, 2400, "published", 52, "published", pd.NA, "primary"),
            (12, 2400, "published", 110, "published", 2285, "published"),  # rest 5 < k
            (24, 2400, "published", 160, "published", 2240, "published"),  # rest 0
        ],
        columns=SENSITIVITY,
    )
    return SimpleNamespace(k=K, stratum=stratum, incidence=incidence, sensitivity=sensitivity)


def test_estimates_read_as_plain_dutch_sentences() -> None:
    with translation.override("nl"):
        total, labour = incidence_sentences(_monitor())
    assert total.startswith(
        f"Van alle 2.400 mensen die de zorg verlieten, was naar schatting 4,9{NBSP}%"
    )
    assert labour == (
        f"Van de 1.012 mensen die uit arbeidsuitbuiting kwamen en de zorg verlieten, was naar "
        f"schatting 4,7{NBSP}% binnen 12 maanden terug in uitbuiting. Dat is ongeveer 1 op de "
        f"21. Rekening houdend met toeval ligt het tussen 3,5{NBSP}% en 6,0{NBSP}%."
    )
    assert "0.047" not in labour and "4.7" not in labour


def test_a_hidden_estimate_says_why_in_its_sentence_and_english_is_complete() -> None:
    with translation.override("nl"):
        sentences = incidence_sentences(_monitor(), months=24)
    assert sentences[1] == (
        "Voor arbeidsuitbuiting wordt het deel binnen 24 maanden niet getoond. Reden: "
        "verborgen om een andere cel te beschermen."
    )
    with translation.override("en"):
        english = incidence_sentences(_monitor())
    assert english[1].startswith(
        f"Of the 1,012 people who came out of arbeidsuitbuiting and left care, an estimated "
        f"4.7{NBSP}% were back in exploitation within 12 months."
    )


def test_curves_draw_only_published_points_at_page_size() -> None:
    with translation.override("nl"):
        panels = incidence_panels(_monitor())
    assert [p.label for p in panels] == ["Alle", "Arbeidsuitbuiting"]
    labour = str(panels[1].svg)
    assert labour.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img"')
    assert "<title " in labour and "<desc " in labour
    assert "viewBox" not in labour.split(">", 1)[0]  # the outer SVG is not scaled down
    assert 'font-size="14"' in labour
    months = re.findall(r'class="schakel-chart__point"[^>]*data-months="(\d+)"', labour)
    assert months == ["6", "12"]  # 3 and 24 months are hidden: no point, a broken line
    assert "binnen 3 maanden niet getoond, verborgen: te weinig personen (minder dan 10)" in labour
    assert "binnen 12 maanden 4,7" in labour and "stroke-dasharray" in labour  # the total
    assert "Aalen" not in labour


def test_each_point_the_curves_leave_out_is_listed_with_its_reason() -> None:
    with translation.override("nl"):
        listed = hidden_points(_monitor())
    assert listed == [
        "Arbeidsuitbuiting, 3 maanden: verborgen: te weinig personen (minder dan 10).",
        "Arbeidsuitbuiting, 24 maanden: verborgen om een andere cel te beschermen.",
    ]


def _flows(withheld: bool = False) -> Any:
    """A selection's funnel and published steps: one step below k (hidden), one that skips."""
    stages = ["signal", "consultation", "referral_sent", "intake", "placement_start", "exit",
              "follow_up_contact"]  # fmt: skip
    reached = [1200, 900, 700, 650, 600, 500, 300]
    funnel = pd.DataFrame(
        {
            "stage": stages,
            "trajectories": pd.array([pd.NA if withheld else n for n in reached], dtype="Int64"),
        }
    )
    edges = pd.DataFrame(
        [
            ("signal", "consultation", 880, 870, "published"),
            ("signal", "intake", 120, 118, "published"),
            ("consultation", "referral", 690, 680, "published"),
            ("referral", "intake", 520, 515, "published"),
            ("intake", "placement", 590, 580, "published"),
            ("placement", "exit", 480, 470, "published"),
            ("exit", "follow_up", 300, 295, "published"),
            ("consultation", "exit", pd.NA, pd.NA, "primary"),
        ],
        columns=["source", "target", "trajectories", "persons", "status"],
    )
    if withheld:
        edges["trajectories"], edges["status"] = pd.NA, "secondary"
    return SimpleNamespace(k=K, funnel=funnel, flows=SimpleNamespace(edges=edges))


def test_the_flow_picture_draws_only_published_steps_and_says_what_it_shows() -> None:
    with translation.override("nl"):
        svg = str(flow_chart(_flows()))
    bands = re.findall(
        r'<path class="schakel-flow__band"[^>]*data-source="(\w+)" data-target="(\w+)" '
        r'data-value="(\d+)"><title>([^<]*)</title>',
        svg,
    )
    assert [(a, b, int(n)) for a, b, n, _t in bands] == [
        ("signal", "consultation", 880), ("signal", "intake", 120),
        ("consultation", "referral", 690), ("referral", "intake", 520),
        ("intake", "placement", 590), ("placement", "exit", 480), ("exit", "follow_up", 300),
    ]  # fmt: skip
    assert ("consultation", "exit") not in {(a, b) for a, b, *_ in bands}
    assert bands[0][3] == "Signaal naar Consultatie: 880 trajecten"
    stages = re.findall(r'data-stage="(\w+)" data-value="(\d+)"', svg)
    assert stages[0] == ("signal", "1200") and len(stages) == 7
    assert 'role="img"' in svg and 'id="flow-chart-title"' in svg and 'id="flow-chart-desc"' in svg
    assert "Signaal: 1.200" in svg and "style=" not in svg and "<script" not in svg
    described = re.search(r'<desc id="flow-chart-desc">(.*?)</desc>', svg, re.S)
    assert described is not None and "minder dan 10 personen" in described.group(1)
    assert flow_chart(_flows(withheld=True)) is None  # nothing published: no picture


def test_a_hidden_value_in_a_picture_is_marked_as_in_its_table() -> None:
    """A picture writes a hidden value as the table beside it does: the dash and the letter
    whose reason stands under the table; never "(see the table)" without a reason."""
    flows = _flows()
    flows.funnel["trajectories"] = flows.funnel["trajectories"].astype("Int64")
    flows.funnel.loc[2, "trajectories"] = pd.NA
    flows.funnel["status"] = ["published", "published", "secondary"] + ["published"] * 4
    monitor = _monitor()
    monitor.sensitivity.loc[1, ["episodes", "episodes_status"]] = [pd.NA, "primary"]
    with translation.override("nl"):
        flow = str(flow_chart(flows))
        after_exit = str(after_exit_chart(monitor))
        panels = incidence_panels(_monitor())
        legend = dict((str(label), key) for key, label in after_exit_legend())
    assert f"Verwijzing: {DASH}b</text>" in flow
    assert f">{DASH}a</text>" in after_exit  # the 6-month bar's total: fewer than k
    assert "zie de tabel" not in flow + after_exit + "".join(str(p.svg) for p in panels)
    assert "Verborgen (de letter in de tabel zegt waarom)" in legend


def test_after_exit_shows_the_rest_only_when_it_reaches_k() -> None:
    with translation.override("nl"):
        header, rows = after_exit_rows(_monitor())
        chart = str(after_exit_chart(_monitor()))
        sentence = after_exit_sentence(_monitor(), months=3)
    assert header[-1] == "Geen van beide gezien"
    assert rows[0][1:] == ["2.400", "20", "1.300", "1.080"]
    assert rows[1][3] == DASH and _reason(rows[1][3]) == "primary"
    assert _reason(rows[1][4]) == "primary"
    assert rows[2][4] == DASH and _reason(rows[2][4]) == "primary"  # 2400-110-2285 = 5 < k
    assert rows[3][4] == "0"
    assert 'data-value="5"' not in chart and ">5<" not in chart
    assert chart.count("schakel-chart__segment--hidden") == 2  # 6 and 12 months
    assert 'role="img"' in chart and "hatch" in chart  # a pattern, not colour alone
    assert sentence.startswith("Van de 2.400 keer dat iemand de zorg verliet")
    assert after_exit_sentence(_monitor(), months=12) == ""  # its rest is hidden


def _reason(cell: str) -> str:
    assert isinstance(cell, HiddenCell), cell
    return cell.reason


def test_hidden_cells_carry_their_reason_once_per_table() -> None:
    with translation.override("nl"):
        fmt = Formatter(K, display=True)
        cells = [
            fmt.count(None, "primary"),
            fmt.count(pd.NA, "secondary"),
            fmt.share(float("nan"), "published"),
            fmt.share(float("nan"), "secondary", "primary"),
        ]
        notes = hidden_notes([["x", *cells]])
    assert [_reason(c) for c in cells] == ["primary", "secondary", "not_estimable", "primary"]
    assert all(c == DASH for c in cells)
    assert notes == [
        ("a", "Verborgen: te weinig personen (minder dan 10)"),
        ("b", "Verborgen om een andere cel te beschermen"),
        ("c", "Niet te berekenen: niemand is zo lang gevolgd, of niemand is teruggekeerd"),
    ]
    assert Formatter(K).count(None, "primary") == "< 10"  # downloads keep their marks


@pytest.fixture
def seeded() -> None:
    clear_cache()
    do_seed_region(seed_parameters(persons=1200, seed=11))
    save_release(compute_release(k=K))


@pytest.fixture
def analyst(org_a: Organisation, member: Callable[..., Membership]) -> Client:
    return signed_in(member(org_a, Role.ANALYST))


def _panel(html: str, label: str) -> str:
    found = re.search(
        rf'<figcaption class="schakel-multiple__title">{re.escape(label)}</figcaption>'
        r"(<svg.*?</svg>)</figure>",
        html,
        re.S,
    )
    assert found is not None, label
    return found.group(1)


def _true_estimate(region: str, months: int) -> float:
    """The unprotected estimate, computed here only to show the page does not hold it."""
    episodes = monitor_data(None, use_cache=False).episodes.labelled
    chosen = episodes[episodes["region"].astype(str) == region]
    curve = aalen_johansen(
        chosen["days"].to_numpy(dtype=float), chosen["exit_type"].to_numpy(dtype=int), causes=[1]
    ).incidence[1]
    return float(curve.at(np.array([horizon_days(months)]))["estimate"].iloc[0])


@pytest.mark.django_db
def test_the_page_draws_from_the_release_and_never_an_unpublished_number(
    seeded: None, analyst: Client
) -> None:
    html = analyst.get("/monitor/?stratum=region").content.decode()
    rows = _table(html, "incidence-table")
    hidden = [r for r in rows if r[4] == DASH and r[0] != "Alle"]
    assert hidden, "the seeded region hides some region at some horizon"
    names = {str(label): code for code, label in LABELS_REGION.items()}
    checked = 0
    for group, months, *_cells in hidden:
        panel = _panel(html, group)
        assert f'data-months="{months}"' not in panel
        assert f"binnen {months} maanden niet getoond" in panel
        if group in names:
            secret = _true_estimate(names[group], int(months))
            if secret > 0:
                text = f"{100 * secret:.1f}".replace(".", ",") + f"{NBSP}%"
                assert text not in panel and text not in " ".join(_cells), (group, months)
                checked += 1
    assert checked
    for cell in re.findall(r'<td class="utrecht-table__cell schakel-cell--(\w+)">(.*?)</td>', html):
        assert cell[0] in ("primary", "secondary", "not_estimable", "noised")
        assert 'class="schakel-note"' in cell[1] and 'class="visually-hidden"' in cell[1]
    notes = re.search(
        r'<dl class="schakel-notes" id="incidence-table-notes">(.*?)</dl>', html, re.S
    )
    assert notes is not None and "Verborgen" in notes.group(1)
    assert 'id="after-exit-chart-title"' in html and 'id="after-exit-table"' in html
    assert "Aalen-Johansen" in html.split('id="incidence-method"')[1]  # named once, in details
    assert "Aalen-Johansen" not in html.split('id="incidence-method"')[0]
    assert "IPCW" not in re.sub(r"<details.*?</details>", "", html, flags=re.S)
    _check_sentences(analyst)


def _check_sentences(analyst: Client) -> None:
    """Every group's sentence is a published estimate in words or says why it is hidden."""
    html = analyst.get("/monitor/").content.decode()
    found = re.search(r'<ul class="schakel-readings" id="incidence-sentences">(.*?)</ul>', html,
                      re.S)  # fmt: skip
    assert found is not None
    sentences = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    assert sentences
    for sentence in sentences:
        shown = re.search(
            r"mensen die (uit .* kwamen en )?de zorg verlieten, was naar schatting "
            r"\d+,\d\xa0% binnen 12 maanden terug in uitbuiting\.",
            sentence,
        )
        hidden = re.fullmatch(
            r"Voor .* wordt het deel binnen 12 maanden niet getoond\. Reden: "
            r"(verborgen: te weinig personen \(minder dan 10\)|verborgen om een andere cel te "
            r"beschermen|niet te berekenen: .*)\.",
            sentence,
        )
        assert shown or hidden, sentence
        assert "0." not in sentence and "Aalen" not in sentence
    analyst.cookies["django_language"] = "en"
    english = analyst.get("/monitor/").content.decode()
    assert "within 12 months" in english and "What does this mean?" in english
    assert "Hoe berekend" not in english


LABELS_REGION = next(labels for enum, labels in LABELS.items() if enum.__name__ == "Region")
