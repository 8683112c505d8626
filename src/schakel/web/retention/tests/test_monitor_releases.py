"""The retention of stored monitor releases: older ones past the period go, the newest stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import verify_chain
from schakel.web.monitor.models import Release, ReleaseSelection
from schakel.web.organisations.roles import SystemActor
from schakel.web.retention.actions import do_apply_retention
from schakel.web.retention.models import Erasure

pytestmark = pytest.mark.django_db
JOB = SystemActor("retention test")


def release(days_ago: int) -> Release:
    made = Release.objects.create(
        data_until=timezone.now(), as_of=timezone.localdate(), k=10, log_version="v"
    )
    ReleaseSelection.objects.create(release=made, key="all", content={"rows": []})
    # created_at is set on insert (auto_now_add): move it back as time would have
    Release.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return made


def test_old_releases_are_deleted_and_the_newest_stays() -> None:
    oldest, old, recent = release(7 * 365), release(6 * 365), release(30)

    dry = do_apply_retention(actor=JOB, dry_run=True)
    assert dry.due["monitor_release"] == 2 and Release.objects.count() == 3

    report = do_apply_retention(actor=JOB)
    assert report.erased["monitor_release"] == 2
    assert list(Release.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ReleaseSelection.objects.filter(release__in=[oldest.pk, old.pk]).exists()
    erasure = Erasure.objects.get(kind="monitor_release")
    assert erasure.subjects == 2 and erasure.by == JOB.name
    entry = AuditEntry.objects.get(object_type="monitor_release")
    assert entry.detail["releases"] == [oldest.pk, old.pk]
    assert verify_chain().intact
    assert do_apply_retention(actor=JOB, dry_run=True).due["monitor_release"] == 0


def test_the_newest_release_stays_however_old() -> None:
    only = release(9 * 365)
    report = do_apply_retention(actor=JOB)
    assert report.erased.get("monitor_release", 0) == 0
    assert Release.objects.filter(pk=only.pk).exists()
    assert not Erasure.objects.filter(kind="monitor_release").exists()
