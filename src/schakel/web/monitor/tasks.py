"""The monitor's nightly release as a job: the protected report, written to the data folder.

Each release is written in a hidden folder and renamed into place, so a worker killed half-way
leaves no half-written release; `latest` points at the newest complete one.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from schakel.engine.disclosure import DEFAULT_K
from schakel.web.jobs.service import Schedule, job_task, register_schedule, report_progress

RELEASES = "monitor-releases"
PARTIAL = ".partial-"
LATEST = "latest"


def releases_dir() -> Path:
    return Path(settings.DATA_DIR) / RELEASES


@job_task("monitor.release", label=gettext_lazy("Monitor report"), retryable=True)
def release_monitor(*, k: int = DEFAULT_K) -> dict[str, object]:
    from schakel.web.monitor.report import write_report  # pandas and friends, only when run

    root = releases_dir()
    root.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(root)
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M%S")
    final = root / stamp
    if final.exists():
        final = root / f"{stamp}-{secrets.token_hex(3)}"
    partial = root / f"{PARTIAL}{secrets.token_hex(8)}"
    written = write_report(partial, region=None, k=k, progress=report_progress)
    report_progress(95, gettext_noop("Publishing the report"))
    os.replace(partial, final)  # one rename: the release is there complete, or not at all
    _point_latest(root, final)
    return {"release": final.name, "files": len(written)}


def _point_latest(root: Path, release: Path) -> None:
    link = root / f"{PARTIAL}{LATEST}-{secrets.token_hex(4)}"
    link.symlink_to(release.name)
    os.replace(link, root / LATEST)


def _remove_abandoned(root: Path, *, older_than: dt.timedelta = dt.timedelta(hours=6)) -> None:
    """Hidden folders of releases whose worker was killed."""
    cutoff = time.time() - older_than.total_seconds()
    for path in root.glob(f"{PARTIAL}*"):
        if path.lstat().st_mtime < cutoff:
            if path.is_symlink() or path.is_file():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)


NIGHTLY_RELEASE = register_schedule(
    Schedule("monitor.nightly-release", release_monitor, at=dt.time(4, 0))
)
