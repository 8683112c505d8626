"""Every error the engine raises on purpose is a SchakelError; the CLI reports only those."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import schakel.engine
from schakel import cli
from schakel.cli import keys as keys_commands
from schakel.engine.errors import SchakelError


def _engine_exceptions() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(schakel.engine.__path__, "schakel.engine."):
        if info.name.endswith("spark_session") or ".tests" in info.name:
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__.startswith("schakel.engine"):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(found.values())


PROGRAMMING_ERRORS = {"RegistryError"}
"""Raised at import when the code itself is inconsistent: a bug, never the user's input."""


def test_every_engine_error_is_a_schakel_error() -> None:
    errors = _engine_exceptions()
    assert len(errors) > 20
    stray = [
        e.__qualname__
        for e in errors
        if not issubclass(e, SchakelError) and e.__qualname__ not in PROGRAMMING_ERRORS
    ]
    assert not stray, f"engine errors outside SchakelError: {stray}"


def test_the_cli_reports_an_engine_error_and_exits_1(monkeypatch, capsys) -> None:
    def refuse(args: object) -> None:
        raise SchakelError("the key file holds no key")

    monkeypatch.setattr(keys_commands, "cmd_keys_new", refuse)
    assert cli.main(["keys", "new"]) == 1
    assert "schakel: the key file holds no key" in capsys.readouterr().err


def test_the_cli_lets_a_bug_keep_its_traceback(monkeypatch) -> None:
    def broken(args: object) -> None:
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(keys_commands, "cmd_keys_new", broken)
    with pytest.raises(ValueError, match="broadcast"):
        cli.main(["keys", "new"])
