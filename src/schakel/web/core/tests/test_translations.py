"""The Dutch and English catalogues are complete, compiled and in step with the source.

Dutch is the default language, so a string that is marked for translation but missing from the
catalogue would show up in English on a Dutch screen. These tests catch that before a release.
To fix a failure: run `make messages`, translate the new entries in
src/schakel/web/locale/nl/LC_MESSAGES/django.po (and copy msgid to msgstr in the English one),
then run `make compile-messages` and commit the .po and .mo files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from schakel.engine import vocabulary as v
from schakel.web.core.labels import FIELD_LABELS, LABELS

WEB_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = WEB_DIR / "locale"
LANGUAGES = ("nl", "en")
FIX = "run `make messages`, translate the new entries, then `make compile-messages`"

Key = tuple[str | None, str, str | None]


def _po(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"))


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def _name(key: Key) -> str:
    context, msgid, plural = key
    text = repr(msgid) if plural is None else f"{msgid!r} / {plural!r}"
    return f"{text} (context {context!r})" if context else text


def _translation(entry: polib.POEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete_and_not_fuzzy(lang: str) -> None:
    po = _po(lang)
    entries = [e for e in po if not e.obsolete]
    assert entries, f"the {lang} catalogue is empty: {FIX}"
    untranslated = [_name(_key(e)) for e in entries if not all(_translation(e))]
    fuzzy = [_name(_key(e)) for e in entries if "fuzzy" in e.flags]
    problems = []
    if untranslated:
        problems.append(f"untranslated in {lang}: {', '.join(untranslated)}; {FIX}")
    if fuzzy:
        problems.append(f"fuzzy in {lang} (check, then drop the flag): {', '.join(fuzzy)}")
    assert not problems, "\n".join(problems)
    assert not po.metadata_is_fuzzy, f"the {lang} header is marked fuzzy"
    assert po.metadata.get("Language") == lang


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*[\w.]+\s*\}\}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_their_placeholders(lang: str) -> None:
    wrong = []
    for entry in _po(lang):
        if entry.obsolete:
            continue
        sources = (entry.msgid, entry.msgid_plural or entry.msgid)
        for index, text in enumerate(_translation(entry)):
            expected = sorted(_PLACEHOLDER.findall(sources[min(index, 1)]))
            if text and sorted(_PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{_name(_key(entry))} -> {text!r}")
    assert not wrong, f"placeholders changed in {lang}: {'; '.join(wrong)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(lang: str) -> None:
    mo_path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `make compile-messages`"
    po_entries = {_key(e): _translation(e) for e in _po(lang).translated_entries()}
    mo_entries = {_key(e): _translation(e) for e in polib.mofile(str(mo_path))}
    stale = sorted(
        (
            _name(k)
            for k in po_entries.keys() | mo_entries.keys()
            if po_entries.get(k) != mo_entries.get(k)
        ),
    )
    assert not stale, (
        f"{mo_path.name} for {lang} is out of date with django.po ({len(stale)} entries differ, "
        f"e.g. {', '.join(stale[:10])}): run `make compile-messages`"
    )


def test_every_marked_string_is_in_the_dutch_catalogue(tmp_path: Path) -> None:
    """Extract the strings again, in a throw-away copy, and compare with the committed catalogue."""
    if shutil.which("xgettext") is None or shutil.which("msguniq") is None:
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "web"
    shutil.copytree(
        WEB_DIR,
        copy,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "*.mo", "*.po", "vendor"),
    )
    (copy / "locale").mkdir()
    # The real settings point LOCALE_PATHS at the committed catalogue; makemessages would write
    # there. These settings point nowhere, so the copy's own locale folder is used instead.
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    (settings_dir / "i18n_check_settings.py").write_text(
        "from schakel.web.test_settings import *  # noqa: F403\nLOCALE_PATHS = []\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "i18n_check_settings",
        "PYTHONPATH": os.pathsep.join(
            [str(settings_dir), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-location"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    extracted = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    committed = {_key(e) for e in _po("nl") if not e.obsolete}
    missing = sorted(_name(k) for k in {_key(e) for e in extracted} - committed)
    assert not missing, (
        f"{len(missing)} marked strings are not in the Dutch catalogue: {', '.join(missing)}; {FIX}"
    )


def test_labels_render_in_dutch_by_default_and_in_english_by_choice() -> None:
    coordinator = LABELS[v.Role]["coordinator"]
    sexual = LABELS[v.ExploitationForm]["sexual"]
    with translation.override("nl"):
        assert str(coordinator) == "Zorgcoördinator"
        assert str(sexual) == "Seksuele uitbuiting"
        assert str(FIELD_LABELS["trafficking_status"]) != "Trafficking status"
        assert translation.gettext("Trajectories") == "Trajecten"
        assert (
            translation.ngettext("%(counter)s trajectory", "%(counter)s trajectories", 2)
            == "%(counter)s trajecten"
        )
    with translation.override("en"):
        assert str(coordinator) == "Care coordinator"
        assert str(sexual) == "Sexual exploitation"
        assert translation.gettext("Trajectories") == "Trajectories"
