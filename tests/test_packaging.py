"""Packaging: environment.yml lists the same packages and bounds as pyproject.toml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
#: conda-forge names that differ from PyPI names.
CONDA_NAMES = {"python-duckdb": "duckdb"}
#: entries of environment.yml that are not Python packages of pyproject.toml.
NOT_PACKAGES = {"python", "pip"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_in_step_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        wanted.update(_split(r) for r in extra)

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: dict[str, str] = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):  # the pip: section installs the package itself
            continue
        name, spec = _split(entry)
        if name in NOT_PACKAGES:
            continue
        listed[CONDA_NAMES.get(name, name)] = spec
    assert listed == wanted


def test_console_script_and_module_entry_points():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["salesanalysis"] == "salesanalysis.cli:main"
    assert (ROOT / "salesanalysis" / "__main__.py").is_file()
