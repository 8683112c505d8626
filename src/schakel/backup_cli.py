"""`schakel backup` and `schakel restore`: the database without its data keys, the keys apart.

A database backup never holds the data keys (ADR 0019): an erasure (a destroyed data key)
then reaches every database backup made before it, as soon as the separate key backups that
still hold that key have expired. Restore checks what it restored: the audit chain, that the
first master key opens every data key, and how many identities open (and how many were erased
since the backup was made).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATABASE_SQLITE = "database.sqlite3"
DATABASE_PG = "database.pgdump"
KEYS = "data-keys.json"
KEY_TABLE = "core_datakey"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def _pg_url(settings: dict[str, Any]) -> str:
    from urllib.parse import quote

    user = quote(settings.get("USER") or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{settings['NAME']}"


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["failed"])[0]
        raise BackupError(f"{command[0]}: {first}")


def write_keys(path: Path) -> int:
    from schakel.web.core.models import DataKey

    rows = [
        [str(s), w]
        for s, w in DataKey.objects.order_by("subject").values_list("subject", "wrapped")
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "data_keys": rows}))
    return len(rows)


def backup(out: Path, keys_out: Path) -> tuple[Path, int]:
    """Write the database (without data keys) to `out` and the wrapped data keys to
    `keys_out`. Returns the database file and the number of keys."""
    from django.db import connection

    out.mkdir(parents=True, exist_ok=True)
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        target = out / DATABASE_PG
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--exclude-table-data={KEY_TABLE}",
                f"--file={target}",
                _pg_url(settings),
            ]
        )
    elif connection.vendor == "sqlite":
        target = out / DATABASE_SQLITE
        source = sqlite3.connect(str(settings["NAME"]))
        copy = sqlite3.connect(str(target))
        with copy:
            source.backup(copy)
        copy.execute(f"DELETE FROM {KEY_TABLE}")  # noqa: S608 (a fixed name)
        copy.commit()
        copy.execute("VACUUM")  # the deleted keys must not linger in free pages
        copy.close()
        source.close()
    else:
        raise BackupError(f"No backup for the {connection.vendor} database.")
    return target, write_keys(keys_out)


def restore(source: Path, keys: Path) -> None:
    """Restore a backup into the configured database, which must be empty, then load keys."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        dump = source / DATABASE_PG
        if not dump.exists():
            raise BackupError(f"{dump} is not there.")
        if _has_tables(connection):
            raise BackupError("The database in DATABASE_URL is not empty; restore into a new one.")
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_pg_url(settings)}",
                str(dump),
            ]
        )
    elif connection.vendor == "sqlite":
        dump = source / DATABASE_SQLITE
        target = Path(str(settings["NAME"]))
        if not dump.exists():
            raise BackupError(f"{dump} is not there.")
        connection.close()
        if target.exists() and target.stat().st_size > 0 and _sqlite_has_tables(target):
            raise BackupError(f"{target} exists; restore into a new data folder.")
        shutil.copyfile(dump, target)
        target.chmod(0o600)
    else:
        raise BackupError(f"No restore for the {connection.vendor} database.")
    load_keys_file(keys)


def _has_tables(connection: Any) -> bool:
    return bool(connection.introspection.table_names())


def _sqlite_has_tables(path: Path) -> bool:
    with sqlite3.connect(str(path)) as db:
        return db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] > 0


def load_keys_file(path: Path) -> int:
    from schakel.web.core.models import DataKey

    data = json.loads(path.read_text())
    rows = [DataKey(subject=s, wrapped=w) for s, w in data["data_keys"]]
    DataKey.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


@dataclass(frozen=True)
class RestoreCheck:
    audit_entries: int
    audit_intact: bool
    keys_ok: bool
    identities: int
    identities_open: int
    identities_erased: int


def check_restored() -> RestoreCheck:
    """What a restore must prove: the audit chain verifies and the records decrypt."""
    from schakel.web.audit.service import verify_chain
    from schakel.web.core import crypto
    from schakel.web.core.keys import check_keys
    from schakel.web.trajectories.models import Identity

    chain = verify_chain()
    crypto.forget_keys()
    opened = erased = 0
    rows = list(Identity.objects.values_list("person_id", "ciphertext"))
    crypto.load_keys([str(p) for p, _ in rows])
    for _, ciphertext in rows:
        try:
            crypto.decrypt_json(ciphertext)
            opened += 1
        except crypto.ErasedError:
            erased += 1
    return RestoreCheck(
        audit_entries=chain.checked,
        audit_intact=chain.intact,
        keys_ok=check_keys().ok,
        identities=len(rows),
        identities_open=opened,
        identities_erased=erased,
    )
