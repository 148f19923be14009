"""The lock files (requirements/*.lock) hold every pin of pyproject.toml, each dependency with its hashes."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)(\[[^\]]*\])?==(\S+)")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, str]:
    """name -> version of a lock file; every entry must carry at least one sha256 hash."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", path.read_text())
    pins = {}
    for entry in entries:
        match = PIN.match(entry)
        if match:
            assert "--hash=sha256:" in entry, f"{path.name}: {match[1]} has no hash"
            pins[normal(match[1])] = match[3]
    return pins


def pinned(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"pyproject.toml: {requirement} is not pinned exactly"
        pins[normal(match[1])] = match[3]
    return pins


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("lock, groups", [("app.lock", ()), ("test.lock", ("test",))])
def test_the_lock_holds_every_pin_of_pyproject_with_hashes(lock, groups):
    wanted = pinned(PROJECT["dependencies"] + [r for g in groups for r in PROJECT["optional-dependencies"][g]])
    have = locked(ROOT / "requirements" / lock)
    differs = {name: (version, have.get(name)) for name, version in wanted.items() if have.get(name) != version}
    assert not differs, f"run scripts/lock: pyproject.toml and requirements/{lock} differ (pyproject, lock): {differs}"
    assert {"pip", "setuptools"} <= have.keys()


def test_the_app_lock_is_the_test_lock_without_the_test_tools():
    app, test = locked(ROOT / "requirements" / "app.lock"), locked(ROOT / "requirements" / "test.lock")
    assert {name: test.get(name) for name in app} == app


def test_the_installs_read_the_lock_with_hashes():
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert "--require-hashes -r \"$lock\"" in bootstrap
    assert re.search(r"pip install[^\n]*-e \.", bootstrap) and "--no-deps" in bootstrap
