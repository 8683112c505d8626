"""Written vignettes: short fictional cases with the outcome the reference's rule gives.

No real cases. Each vignette lists the indicators (or Dutch signals) a professional would mark
present from the story, and the dimensions whose remaining indicators they could rule out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from schakel.engine.indicators import Answer, Dimension, Outcome, evaluate, load_catalogue

CATALOGUE = load_catalogue()
MET, NOT_MET, COULD = Outcome.MET, Outcome.NOT_MET, Outcome.COULD_BE_MET
D1, D2, D3, D4, D5, D6 = Dimension


@dataclass(frozen=True)
class Vignette:
    name: str
    set_id: str
    story: str
    present: tuple[str, ...]
    outcome: Outcome
    positive: frozenset[Dimension]
    ruled_out: tuple[Dimension, ...] = ()  # every other indicator of these is answered absent
    absent: tuple[str, ...] = ()
    first_question: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def answers_of(v: Vignette) -> dict[str, Answer]:
    answers = {i: Answer.PRESENT for i in v.present}
    for indicator in CATALOGUE.indicators_of(v.set_id):
        if indicator.dimension in v.ruled_out and indicator.id not in answers:
            answers[indicator.id] = Answer.ABSENT
    answers.update({i: Answer.ABSENT for i in v.absent})
    return answers


VIGNETTES = [
    Vignette(
        "greenhouse",
        "adults-labour",
        "A man answers an agency advert for packing work abroad; he is put in a greenhouse "
        "instead, at a third of the promised wage, for fourteen-hour days. The agency keeps his "
        "passport and adds travel and housing to a debt that keeps growing.",
        ("AL-D1-01", "AL-D1-02", "AL-D4-01", "AL-D4-02", "AL-D5-01", "AL-D5-02"),
        MET,
        frozenset({D1, D4, D5}),
    ),
    Vignette(
        "exploited-but-free",
        "adults-labour",
        "A woman came knowingly for warehouse work. The days are long, the pay is low and the "
        "housing is poor, but she was told the truth, keeps her papers and can leave.",
        ("AL-D4-01", "AL-D4-02", "AL-D4-04"),
        NOT_MET,
        frozenset({D4}),
        ruled_out=(D1, D2, D3, D5, D6),
    ),
    Vignette(
        "car-wash-unknown-recruitment",
        "adults-labour",
        "A car-wash worker works twelve-hour days without pay; the owner keeps his ID and "
        "threatens him. Nobody knows yet how he was recruited.",
        ("AL-D4-01", "AL-D4-02", "AL-D5-01", "AL-D5-05"),
        COULD,
        frozenset({D4, D5}),
        first_question="AL-D1-01",
        extra={"questions": 36, "question_dimensions": {D1, D2, D3}},
    ),
    Vignette(
        "au-pair-dependency",
        "adults-labour",
        "An au pair was misled about hours, pay and contract. She works sixteen hours a day "
        "unpaid, depends on the host family for room and papers, has no valid stay and does "
        "not know the town.",
        (
            "AL-D1-02",
            "AL-D1-03",
            "AL-D1-04",
            "AL-D4-01",
            "AL-D4-02",
            "AL-D6-01",
            "AL-D6-05",
            "AL-D6-02",
        ),
        MET,
        frozenset({D1, D4, D6}),
    ),
    Vignette(
        "one-strong-alone",
        "adults-labour",
        "A mushroom picker was deceived about the job and the pay and is locked in and beaten; "
        "the only exploitative condition is the long days: pay, housing and safety are fine.",
        ("AL-D1-01", "AL-D1-02", "AL-D4-01", "AL-D5-03", "AL-D5-04"),
        NOT_MET,
        frozenset({D1, D5}),
        ruled_out=(D4,),
    ),
    Vignette(
        "weak-alone-never",
        "adults-labour",
        "A man from a conflict region, bound by an oath, works long days with fines taken from "
        "his pay; his documents are held and his wages withheld. Nothing else about his "
        "recruitment applies.",
        ("AL-D3-15", "AL-D3-16", "AL-D4-01", "AL-D4-03", "AL-D5-01", "AL-D5-14"),
        NOT_MET,
        frozenset({D4, D5}),
        ruled_out=(D1, D2, D3),
    ),
    Vignette(
        "one-answer-completes",
        "adults-labour",
        "Told the job was in a hotel, a woman ended up on a farm, working long days unpaid, "
        "with her documents taken and a debt to work off. The rest of her recruitment is not "
        "yet known.",
        ("AL-D1-01", "AL-D4-01", "AL-D4-02", "AL-D5-01", "AL-D5-02"),
        COULD,
        frozenset({D4, D5}),
        first_question="AL-D1-02",
    ),
    Vignette(
        "window-prostitution",
        "adults-sexual",
        "A boyfriend promised a restaurant job abroad and hid the real conditions; she must see "
        "many clients a night, keeps nothing, cannot refuse clients and hands over her earnings.",
        ("AS-D1-01", "AS-D1-03", "AS-D3-11", "AS-D4-01", "AS-D4-02", "AS-D5-07", "AS-D5-14"),
        MET,
        frozenset({D1, D4, D5}),
    ),
    Vignette(
        "forced-clients-is-strong",
        "adults-sexual",
        "Deceived about the work and the pay, she works long days for little, cannot refuse "
        "clients and is threatened with worse conditions; nothing else of coercion or "
        "dependency applies.",
        ("AS-D1-01", "AS-D1-02", "AS-D4-01", "AS-D4-02", "AS-D5-07", "AS-D5-12"),
        MET,
        frozenset({D1, D4, D5}),
        ruled_out=(D5, D6),
    ),
    Vignette(
        "forced-tasks-is-medium-in-labour",
        "adults-labour",
        "The same facts in a labour setting: forced tasks and the threat of worse conditions "
        "are two medium indicators, which do not make coercion positive.",
        ("AL-D1-01", "AL-D1-02", "AL-D4-01", "AL-D4-02", "AL-D5-07", "AL-D5-12"),
        NOT_MET,
        frozenset({D1, D4}),
        ruled_out=(D5, D6),
    ),
    Vignette(
        "shame-threat-not-enough",
        "adults-sexual",
        "Recruited with lies about the job and the journey, she works long days for nothing. She "
        "is threatened with being reported and with her family being told; nothing more.",
        ("AS-D1-01", "AS-D1-07", "AS-D4-01", "AS-D4-02", "AS-D5-11", "AS-D5-15"),
        NOT_MET,
        frozenset({D1, D4}),
        ruled_out=(D5, D6),
    ),
    Vignette(
        "shame-threat-plus-family",
        "adults-sexual",
        "As before, and her family at home is threatened as well: two medium and one weak.",
        ("AS-D1-01", "AS-D1-07", "AS-D4-01", "AS-D4-02", "AS-D5-11", "AS-D5-13", "AS-D5-15"),
        MET,
        frozenset({D1, D4, D5}),
        ruled_out=(D5, D6),
    ),
    Vignette(
        "child-farm-worker",
        "children-labour",
        "A fourteen-year-old was brought over with a promise of school and of light work; he "
        "works long days on a farm and does not go to school. No coercion is known.",
        ("CL-D1-10", "CL-D1-01", "CL-D4-01", "CL-D4-09"),
        MET,
        frozenset({D1, D4}),
    ),
    Vignette(
        "child-nail-salon",
        "children-labour",
        "A fifteen-year-old works long hours in a nail salon for a little pocket money. How she "
        "came there is unknown; only recruitment questions can change the outcome.",
        ("CL-D4-01", "CL-D4-02"),
        COULD,
        frozenset({D4}),
        first_question="CL-D1-01",
        extra={"question_dimensions": {D1, D2, D3}},
    ),
    Vignette(
        "child-threatened-not-exploited",
        "children-labour",
        "A boy was threatened and put in debt to make him come along, but none of the "
        "exploitative conditions applies.",
        ("CL-D2-02", "CL-D2-04"),
        NOT_MET,
        frozenset({D2}),
        ruled_out=(D4,),
    ),
    Vignette(
        "child-sold-into-hotel-work",
        "children-labour",
        "A girl was sold to a hotel owner who took her papers; she is barely paid, fined for "
        "mistakes and works in degrading conditions.",
        ("CL-D2-03", "CL-D2-05", "CL-D4-02", "CL-D4-03", "CL-D4-05"),
        MET,
        frozenset({D2, D4}),
    ),
    Vignette(
        "child-loverboy",
        "children-sexual",
        "A fifteen-year-old with trouble at home and a hard past is made dependent by an older "
        "'boyfriend'; she now sees many men and keeps nothing.",
        ("CS-D3-11", "CS-D3-01", "CS-D3-13", "CS-D4-01", "CS-D4-02"),
        MET,
        frozenset({D3, D4}),
    ),
    Vignette(
        "loverboy-signals",
        "children-sexual",
        "A teacher notes low self-esteem, being easily influenced, new expensive things, an "
        "older boyfriend she depends on and trouble at home. Nothing is known of exploitation.",
        ("NLLB-07", "NLLB-08", "NLLB-10", "CS-D3-11", "CS-D3-01"),
        COULD,
        frozenset({D3}),
        extra={
            "d3_medium": 3,
            "evidence": {("NLLB-07", "CS-D3-10"), ("NLLB-08", "CS-D3-10")},
            "observations": ("NLLB-10",),
        },
    ),
    Vignette(
        "drug-runner",
        "criminal-exploitation-minors",
        "A fourteen-year-old with a mild intellectual disability, trouble at home and debts was "
        "approached online; he owes a 'street fine', must carry drugs at night and gets almost "
        "nothing.",
        (
            "CEM-OBS-04",
            "CEM-D3-01",
            "CEM-D3-06",
            "CEM-D3-10",
            "CEM-D4-01",
            "CEM-D4-02",
            "CEM-D5-02",
            "CEM-D5-06",
        ),
        MET,
        frozenset({D3, D4, D5}),
        extra={"observations": ("CEM-OBS-04",)},
    ),
    Vignette(
        "coerced-but-no-exploitation-known-absent",
        "criminal-exploitation-minors",
        "A boy put in debt at recruitment is forced to commit crimes, but none of the "
        "exploitative conditions applies.",
        ("CEM-D2-04", "CEM-D5-02", "CEM-D5-06"),
        NOT_MET,
        frozenset({D5}),
        ruled_out=(D4,),
    ),
    Vignette(
        "criminal-one-answer-completes",
        "criminal-exploitation-minors",
        "Problems at home, debts and a mild intellectual disability were used to recruit a girl "
        "who is on call day and night; what she gets for it is not yet known.",
        ("CEM-D3-01", "CEM-D3-06", "CEM-D3-10", "CEM-D4-01"),
        COULD,
        frozenset({D3}),
        first_question="CEM-D4-02",
    ),
    Vignette(
        "generic-dutch-signals",
        "adults-labour",
        "A labour migrant told of false promises; the outreach worker ticks long days, little "
        "pay, no access to his passport and a high debt to the employer. He was also misled "
        "about the type of work.",
        ("NLG-04", "NLG-05", "NLG-06", "NLG-07", "NLG-10", "AL-D1-01"),
        MET,
        frozenset({D1, D4, D5}),
    ),
    Vignette(
        "prosecution-annex-signals",
        "adults-labour",
        "An inspector sees that the employer arranges housing and transport, that the workers "
        "have no right of stay, work exceptionally long days for unusually low pay.",
        ("NLOM-01", "NLOM-02", "NLOM-04", "NLOM-14", "NLOM-12"),
        COULD,
        frozenset({D4}),
        extra={"d6_medium": 2},
    ),
    Vignette(
        "ilo-2012-signals",
        "adults-labour",
        "A labour inspector records restricted movement, isolation, debt bondage, excessive "
        "overtime, abusive conditions and deception.",
        ("FL12-03", "FL12-04", "FL12-09", "FL12-11", "FL12-10", "FL12-02"),
        COULD,
        frozenset({D4, D5}),
        first_question="AL-D1-01",
        extra={"observations": ("FL12-02",)},
    ),
    Vignette(
        "teacher-bad-feeling",
        "children-labour",
        "A teacher only has a bad feeling about a pupil: nothing is answered yet.",
        (),
        COULD,
        frozenset(),
        first_question="CL-D1-01",
        extra={"questions": 10 + 10 + 15 + 8, "question_dimensions": {D1, D2, D3, D4}},
    ),
    Vignette(
        "everything-ruled-out",
        "adults-labour",
        "After a long conversation every indicator is answered absent.",
        (),
        NOT_MET,
        frozenset(),
        ruled_out=tuple(Dimension),
        extra={"questions": 0},
    ),
]


def test_vignettes_cover_every_indicator_set() -> None:
    evaluable = {s.id for s in CATALOGUE.sets if s.is_evaluable}
    assert {v.set_id for v in VIGNETTES} == evaluable
    assert len(VIGNETTES) >= 20
    assert len({v.name for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v.name)
def test_vignette(vignette: Vignette) -> None:
    result = evaluate(CATALOGUE, vignette.set_id, answers_of(vignette))
    assert result.outcome is vignette.outcome
    assert set(result.positive_dimensions) == vignette.positive
    for d in vignette.positive:  # the "why" names indicators that are really present
        assert result.dimension(d).present
    if vignette.first_question:
        assert result.next_questions[0].indicator_id == vignette.first_question
    extra = vignette.extra
    if "questions" in extra:
        assert len(result.next_questions) == extra["questions"]
    if "question_dimensions" in extra:
        assert {q.dimension for q in result.next_questions} == extra["question_dimensions"]
    if "observations" in extra:
        assert result.observations == extra["observations"]
    if "evidence" in extra:
        assert {(e.signal_id, e.indicator_id) for e in result.evidence} == extra["evidence"]
    if "d3_medium" in extra:
        assert result.dimension(D3).medium == extra["d3_medium"]
    if "d6_medium" in extra:
        assert result.dimension(D6).medium == extra["d6_medium"]
        assert not result.dimension(D6).is_positive  # two medium alone are not enough


def test_same_child_facts_fall_short_for_an_adult() -> None:
    """Without means at destination the adult rule stays open where the child rule is met."""
    answers = {"AL-D1-10": "present", "AL-D1-01": "present", "AL-D4-01": "present",
               "AL-D4-09": "present"}  # fmt: skip
    result = evaluate(CATALOGUE, "adults-labour", answers)
    assert result.outcome is COULD
    assert {q.dimension for q in result.next_questions} == {D5, D6}
