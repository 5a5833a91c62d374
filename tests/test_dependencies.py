"""The lock files: production has what app/ imports and no test tool; development has it too."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_LOCK = ROOT / "requirements" / "production.txt"
DEVELOPMENT_LOCK = ROOT / "requirements" / "development.txt"

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")
HASH = re.compile(r"--hash=(sha256:[0-9a-f]{64})")


def locked(lock: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """Each pinned distribution of a lock file: its version and the hashes it may install from."""
    entries: dict[str, tuple[str, frozenset[str]]] = {}
    text = lock.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if pin := PIN.match(line):
            name = canonicalize_name(pin["name"])
            entries[name] = (pin["version"], frozenset(HASH.findall(line)))
    return entries


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(requirement).name) for requirement in requirements}


def third_party_imports() -> set[str]:
    """The top-level modules app/ imports that neither the standard library nor app/ provides."""
    modules: set[str] = set()
    for source in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"app", "__future__"}


def test_every_pin_is_hashed_in_both_locks() -> None:
    for lock in (PRODUCTION_LOCK, DEVELOPMENT_LOCK):
        unhashed = [name for name, (_, hashes) in locked(lock).items() if not hashes]
        assert unhashed == [], f"{lock.name}: {unhashed}"


def test_every_import_in_app_is_installed_from_the_production_lock() -> None:
    production = locked(PRODUCTION_LOCK)
    distributions_of = packages_distributions()
    missing = {
        module: distributions_of.get(module, ["(not installed)"])
        for module in sorted(third_party_imports())
        if not any(canonicalize_name(d) in production for d in distributions_of.get(module, []))
    }
    assert missing == {}


def test_production_lock_holds_the_dependencies_and_no_development_tool() -> None:
    production = set(locked(PRODUCTION_LOCK))
    dependencies = names(pyproject()["dependencies"])
    development_only = names(pyproject()["optional-dependencies"]["dev"]) - dependencies

    assert dependencies - production == set(), "run `make lock`"
    assert development_only & production == set()
    assert {"pytest", "playwright", "ruff", "pip-tools"} & production == set()


def test_development_lock_holds_every_production_pin_with_the_same_hashes() -> None:
    development = locked(DEVELOPMENT_LOCK)
    differing = {
        name: pin for name, pin in locked(PRODUCTION_LOCK).items() if development.get(name) != pin
    }
    assert differing == {}
    assert names(pyproject()["optional-dependencies"]["dev"]) - set(development) == set()
