"""The shape of the package: one vocabulary, imports at the top, modules of one concept.

The layer contract itself (stages import only downwards) is import-linter's
``[tool.importlinter]`` in pyproject.toml, run by ``make test``; these tests keep the habits
it cannot see.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from salesanalysis import vocab

PACKAGE = Path(__file__).resolve().parent.parent / "salesanalysis"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "notebooks" not in p.parts)
CODE = sorted([*MODULES, *PACKAGE.rglob("*.sql")])
#: Largest module, in lines ("modules under about 400 lines").
MAX_LINES = 420
#: Genuinely heavy imports deferred to the one CLI command that needs them, so the other
#: commands start quickly: module -> the imports it may make inside a function.
DEFERRED_IMPORTS = {
    "salesanalysis/cli/app.py": {
        "salesanalysis.grading", "salesanalysis.reports.parameters", "salesanalysis.reports.runner",
        "salesanalysis.models.leaks", "salesanalysis.intake.pipeline", "salesanalysis.intake.undo",
        "salesanalysis.intake.template", "salesanalysis.sample.builder",
        "salesanalysis.reports.workbooks", "salesanalysis.reports.kernel",
        "salesanalysis.reports.ledger",
    },
    "salesanalysis/cli/playbook.py": {"salesanalysis.playbook", "salesanalysis.playbook.workbook",
                                      "salesanalysis.reports.frame"},
    "salesanalysis/cli/personas.py": {"salesanalysis.personas", "salesanalysis.personas.profiles"},
    "salesanalysis/cli/schedule.py": {"salesanalysis.schedule.runner"},
    "salesanalysis/store/spark.py": {"pyspark.sql"},  # optional extra, only for --engine spark
}


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def test_no_imports_inside_functions():
    found = []
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and inner.module in DEFERRED_IMPORTS.get(
                        _rel(path), set()
                    ):
                        continue
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        found.append(f"{_rel(path)}:{inner.lineno}")
    assert found == [], "imports inside functions: " + ", ".join(found)


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_modules_are_small_and_say_what_they_own(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_LINES, f"{_rel(path)} has {text.count(chr(10))} lines"
    if path.name != "__main__.py":
        assert ast.get_docstring(ast.parse(text)), f"{_rel(path)} has no module docstring"


@pytest.mark.parametrize(
    "kind", ["stage", "dimension", "decision_role", "action_status", "brand_value"],
)
def test_vocabulary_is_spelled_only_in_vocab(kind):
    """Multi-word vocabulary values appear as literals in vocab.py and nowhere else in the
    package's code and SQL (YAML configs and templates are data, and may name them)."""
    words = [v for v in vocab.values(kind) if "_" in v]
    assert words, kind
    pattern = re.compile(r"['\"](" + "|".join(map(re.escape, words)) + r")['\"]")
    hits = [
        f"{_rel(p)}:{n}: {line.strip()}"
        for p in CODE if p.name != "vocab.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == [], f"{kind} values spelled outside vocab.py:\n" + "\n".join(hits)


def test_grades_and_dimensions_are_defined_once():
    tuples = re.compile(r"\(\s*['\"]A['\"]\s*,\s*['\"]B['\"]\s*,\s*['\"]C['\"]\s*\)"
                        r"|\[\s*['\"]A['\"]\s*,\s*['\"]B['\"]\s*,\s*['\"]C['\"]\s*\]")
    dimension_def = re.compile(r"^\s*(DIMENSIONS|GRADES|STAGES|OPEN_STAGES|STAGE_RANK)\s*[:=]")
    hits = [
        f"{_rel(p)}:{n}"
        for p in MODULES if p.name != "vocab.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if tuples.search(line) or dimension_def.search(line)
    ]
    assert hits == [], "grades or dimensions defined outside vocab.py: " + ", ".join(hits)


def test_no_reference_ids_smuggled_into_grading():
    assert not [p for p in MODULES if "__ref__" in p.read_text(encoding="utf-8")]
