"""Report notebook parameters: what a notebook declares in its ``parameters`` cell, how the
CLI's ``NAME=VALUE`` options are read, and the check of given values against the declaration
(made before anything runs).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import yaml

from salesanalysis.exceptions import ParameterError, ReportError


def notebook_cells(notebook: str | Path) -> list[dict[str, Any]]:
    """The cells of a notebook file (format 4), each with its ``source`` as one string.

    Read as JSON, not through nbformat (whose schema validation loads jsonschema, about a
    second): the CLI reads a report's parameters and imports before it loads Papermill.

    Raises
    ------
    ReportError
        A file that is not a notebook of format 4.
    """
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{notebook}: not a readable notebook ({exc})") from None
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        raise ReportError(f"{notebook}: not a notebook of format 4; open it in JupyterLab and "
                          "save it again")
    cells = []
    for cell in nb["cells"]:
        source = cell.get("source", "")
        cells.append({**cell, "source": "".join(source) if isinstance(source, list) else source})
    return cells


def notebook_parameters(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares in its ``parameters`` cell.

    Parsed with :mod:`ast`, so modern annotations (``str | None``) are understood, unlike
    Papermill's regex inspection.

    Parameters
    ----------
    notebook : str or Path
        A notebook with a cell tagged ``parameters``.

    Returns
    -------
    dict
        name -> ``{"inferred_type_name", "default", "help"}`` (the help is the line's comment).

    Raises
    ------
    ReportError
        When the notebook has no cell tagged ``parameters``.
    """
    cells = [c for c in notebook_cells(notebook)
             if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ReportError(f"{notebook}: no cell tagged 'parameters'; tag the first code cell")
    source = cells[0]["source"]
    lines = source.splitlines()
    params: dict[str, dict[str, Any]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation = node.target.id, ast.unparse(node.annotation)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)):
            name, annotation = node.targets[0].id, "None"
        else:
            continue
        try:
            default = ast.literal_eval(node.value) if node.value is not None else None
        except ValueError:
            default = ast.unparse(node.value)
        line = lines[node.lineno - 1]
        help_text = line.split("#", 1)[1].strip() if "#" in line else ""
        params[name] = {"inferred_type_name": annotation, "default": default, "help": help_text}
    return params


def parse_cli_parameters(items: list[str]) -> dict[str, Any]:
    """Parse ``NAME=VALUE`` strings; values are read as YAML scalars (``3`` is an int,
    ``null`` is None, ``true`` a bool, anything else a string).

    Parameters
    ----------
    items : list of str
        ``NAME=VALUE`` strings (the CLI's ``-p`` options).

    Returns
    -------
    dict

    Raises
    ------
    ParameterError
        An item without ``=`` or without a name.
    """
    params: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(
                f"parameter {item!r} is not NAME=VALUE; write e.g. -p team East or -p team=East"
            )
        try:
            parsed = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            parsed = value
        if isinstance(parsed, (dict, list)):
            parsed = value
        params[name.strip()] = parsed
    return params


_TYPE_CHECKS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "str": (str,),
}


def check_parameters(
    name: str, declared: dict[str, dict[str, Any]], given: dict[str, Any]
) -> dict[str, Any]:
    """Reject unknown parameters and values of the wrong type, before anything runs.

    Parameters
    ----------
    name : str
        The report (for messages).
    declared : dict
        The output of :func:`notebook_parameters`.
    given : dict
        Parameters to pass; a value for a ``str`` parameter that is not a string is turned
        into one (in place).

    Returns
    -------
    dict
        ``given``.

    Raises
    ------
    ParameterError
        An unknown parameter, an empty value for a parameter that cannot be None, or a value
        of the wrong type.
    """
    for key, value in given.items():
        if key not in declared:
            raise ParameterError(
                f"report {name!r} has no parameter {key!r}; its parameters are "
                f"{', '.join(sorted(declared)) or '(none)'}"
            )
        type_name = str(declared[key].get("inferred_type_name") or "")
        allowed = [t for t in _TYPE_CHECKS if t in type_name.replace(" ", "")]
        if value is None:
            if allowed and "None" not in type_name and "Optional" not in type_name:
                raise ParameterError(
                    f"report {name!r}: parameter {key!r} cannot be empty; give a {type_name}"
                )
            continue
        if allowed:
            if isinstance(value, bool) and "bool" not in allowed:
                ok = False
            else:
                ok = any(isinstance(value, _TYPE_CHECKS[t]) for t in allowed)
            if not ok and "str" in allowed:
                given[key] = str(value)
                ok = True
            if not ok:
                raise ParameterError(
                    f"report {name!r}: parameter {key!r} must be {type_name}, got {value!r}"
                )
    return given
