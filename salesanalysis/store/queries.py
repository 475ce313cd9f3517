"""The store's SQL lives in ``salesanalysis/store/sql/*.sql``; this module loads it by name.

Keeping every query in one place keeps it portable: the files are plain DuckDB SQL written so
that a translator such as sqlglot can carry them to Spark SQL or a warehouse (a test translates
every file). Vocabulary literals (stage names, outcomes, roles ...) are not spelled in the
files: a ``{{name}}`` placeholder is replaced by the text :func:`salesanalysis.vocab.sql_literals`
gives, so the vocabulary is defined once, in :mod:`salesanalysis.vocab`. A rule several
queries share is one file too: ``{{query:NAME}}`` is replaced by the rendered query of
``NAME.sql`` (without its comment lines), to be used as a subquery.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from salesanalysis.vocab import sql_literals

_PLACEHOLDER = re.compile(r"\{\{\s*(query:)?(\w+)\s*\}\}")


def sql_names() -> list[str]:
    """The stems of every shipped ``.sql`` file, sorted."""
    folder = resources.files("salesanalysis").joinpath("store", "sql")
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".sql"))


def render_sql(text: str, source: str = "<sql>") -> str:
    """Replace every ``{{name}}`` placeholder of ``text`` with its vocabulary literal.

    Raises
    ------
    KeyError
        For a placeholder the vocabulary does not define (names ``source`` and the name).
    """
    literals = sql_literals()

    def sub(match: re.Match[str]) -> str:
        name = match.group(2)
        if match.group(1):
            body = load_sql(name).splitlines()
            return "\n".join(line for line in body if not line.lstrip().startswith("--"))
        if name not in literals:
            raise KeyError(f"{source}: unknown SQL placeholder {{{{{name}}}}}; "
                           f"known: {', '.join(sorted(literals))}")  # fmt: skip
        return literals[name]

    return _PLACEHOLDER.sub(sub, text)


@cache
def load_sql(name: str) -> str:
    """Return the rendered text of ``salesanalysis/store/sql/<name>.sql``.

    Parameters
    ----------
    name : str
        File stem, e.g. ``"customer_features"``.
    """
    path = resources.files("salesanalysis").joinpath("store", "sql", f"{name}.sql")
    return render_sql(path.read_text("utf-8"), f"{name}.sql")
