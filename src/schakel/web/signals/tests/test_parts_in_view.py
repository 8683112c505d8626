"""The question list's parts are in view from the first round: no fold to open before a
professional can go to a part's questions (the links are a labelled list in the nav)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from schakel.web.signals.tests.helpers import WHO

pytestmark = pytest.mark.django_db


def test_every_part_is_a_visible_link_on_the_first_questions_page() -> None:
    client = Client()
    assert client.post(reverse("signal-check"), WHO).status_code == 302
    page = client.get(reverse("signal-check-questions"))
    html = page.content.decode()
    nav = re.search(r'<nav aria-label="[^"]*" class="schakel-parts-nav">(.*?)</nav>', html, re.S)
    assert nav is not None
    assert "<details" not in nav.group(1) and "<summary" not in nav.group(1)
    assert 'id="parts-label"' in nav.group(1) and 'aria-labelledby="parts-label"' in nav.group(1)
    assert "Alle vragen, per onderdeel" in nav.group(1)
    for _slug, _label, url in page.context["parts"]:
        assert f'href="{url}"' in nav.group(1)
    assert len(page.context["parts"]) > 3
