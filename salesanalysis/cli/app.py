"""The ``salesanalysis`` command line: thin wrappers that call the package and print results.

Each command imports what only it needs when it runs (``score`` and the leak check after
``import``: scikit-learn; ``report``: Papermill and nbconvert; ``import`` and ``template``: the
intake; ``sample``: the generator), so ``--help`` and every command start without the others'
libraries; these are the package's only imports inside functions (``tests/test_architecture.py``).

Commands: ``init`` (create the store, optionally with sample data and its currency),
``sample``, ``import``, ``template``, ``score`` and ``report``. Every command prints what it
did in a few lines and exits non-zero with a one-line reason on bad input (any
:class:`~salesanalysis.exceptions.SalesAnalysisError`); usage errors exit 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from salesanalysis.exceptions import ParameterError, SalesAnalysisError
from salesanalysis.formatting import format_count, format_date
from salesanalysis.store import CANONICAL_TABLES, Store, default_db_path, using_store
from salesanalysis.store.engines import make_engine, use_engine
from salesanalysis.vocab import GRADES

app = typer.Typer(
    name="salesanalysis",
    help="Customer profiles, A/B/C grades, personas, playbooks and review reports for B2B sales.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _State:
    db: Path = default_db_path()
    engine: str = "duckdb"  # where the store's queries run (--engine), and its --tables
    tables: str | None = None


state = _State()


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="SALESANALYSIS_DB",
            help="DuckDB store (default data/sales.duckdb, or $SALESANALYSIS_DB).",
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option("--engine", envvar="SALESANALYSIS_ENGINE",
                     help="Where the store's queries run: duckdb (default) or spark."),
    ] = None,
    tables: Annotated[
        str | None,
        typer.Option("--tables", envvar="SALESANALYSIS_TABLES", metavar="DIR_OR_DATABASE",
                     help="For --engine spark: Parquet folder (salesanalysis export) or "
                          "Spark database of the canonical tables."),
    ] = None,
) -> None:
    state.db = db or default_db_path()
    if tables and Path(tables).exists():  # a local folder: the same for kernels and workers
        tables = str(Path(tables).resolve())
    state.engine, state.tables = (engine or "duckdb").strip().lower(), tables
    make_engine(state.engine, tables)  # a bad name, or Spark without its needs: one line now
    use_engine(state.engine, tables)  # stores the command opens use it, until it ends
    if state.engine != "duckdb":  # report kernels and schedule workers inherit the choice
        os.environ["SALESANALYSIS_ENGINE"] = state.engine
        if tables:
            os.environ["SALESANALYSIS_TABLES"] = str(tables)
    ctx.call_on_close(use_engine)


def echo(line: str) -> None:
    typer.echo(line)


@app.command()
def init(
    sample: Annotated[bool, typer.Option("--sample", help="Fill the new store with sample data.")] = False,
    seed: Annotated[int, typer.Option(help="Random seed of the sample data.")] = 42,
    customers: Annotated[int, typer.Option(help="Number of sample customers.")] = 600,
    locale: Annotated[str, typer.Option(help="Sample names and text: en or zh.")] = "en",
    replace: Annotated[
        bool, typer.Option("--replace", help="With --sample: overwrite data already in the store.")
    ] = False,
    currency: Annotated[
        str | None,
        typer.Option("--currency", metavar="CODE",
                     help="Currency of every amount in the store, e.g. CNY, USD, EUR."),
    ] = None,
) -> None:
    """Create the store (schema and bookkeeping tables); optionally fill it with sample data
    and record the currency its amounts are in (reports say it once)."""
    existed = state.db.exists()
    # init, sample and import may create the file: Store(create=True); using_store only opens
    with Store(state.db, create=True) as store:
        echo(f"{'opened' if existed else 'created'} store {store.path} (schema v{store.schema_version})")
        if currency is not None:
            store.set_currency(currency)
            echo(f"amounts are in {store.currency}")
        if sample:
            _load_sample(
                store, seed=seed, customers=customers, months=18, locale=locale, replace=replace
            )


@app.command("sample")
def sample_cmd(
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")] = 42,
    customers: Annotated[int, typer.Option(help="Number of customers.")] = 600,
    months: Annotated[int, typer.Option(help="Months of history.")] = 18,
    locale: Annotated[str, typer.Option(help="Names and free text: en or zh.")] = "en",
    out: Annotated[
        Path | None, typer.Option(help="Write CSV files to this folder instead of the store.")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite data already in the store.")
    ] = False,
) -> None:
    """Generate realistic, seeded sample data into the store (or CSV files with --out).

    A store that already holds data is only overwritten with --replace."""
    from salesanalysis.sample.builder import generate_sample, write_sample_csv

    if out is not None:
        tables = generate_sample(n_customers=customers, months=months, seed=seed, locale=locale)
        for path in write_sample_csv(tables, out):
            echo(f"wrote {path}")
        return
    with Store(state.db, create=True) as store:
        _load_sample(
            store, seed=seed, customers=customers, months=months, locale=locale, replace=replace
        )


def _load_sample(
    store: Store, *, seed: int, customers: int, months: int, locale: str, replace: bool = False
) -> None:
    from salesanalysis.sample.builder import load_sample

    held = {t: store.count(t) for t in ("customers", "opportunities", "interactions")}
    if any(held.values()) and not replace:
        raise ParameterError(
            f"{store.path} already holds data "
            f"({', '.join(f'{format_count(n)} {t}' for t, n in held.items())});"
            " sample data would replace all of "
            f"{', '.join(CANONICAL_TABLES)}: pass --replace to do so, or use another --db"
        )

    counts = load_sample(store, n_customers=customers, months=months, seed=seed, locale=locale)
    echo(f"sample data (seed {seed}, locale {locale}) written to {store.path}:")
    echo("  " + ", ".join(f"{format_count(n)} {table}" for table, n in counts.items()))


@app.command("import")
def import_cmd(
    files: Annotated[
        list[Path] | None, typer.Argument(help="CSV or XLSX files to import.")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Column mapping YAML (default: built-in template aliases).")
    ] = None,
    rejected_dir: Annotated[
        Path, typer.Option(help="Folder for CSVs of rejected rows to fix and re-import.")
    ] = Path("data/rejected"),
    encoding: Annotated[
        str | None,
        typer.Option(help="Text encoding of the CSV files, e.g. cp1252, gb18030, utf-8 "
                          "(default: detected; the summary says which was used)."),
    ] = None,
    undo: Annotated[
        list[str] | None,
        typer.Option("--undo", metavar="BATCH",
                     help="Take an import batch back (repeatable: several at once, latest "
                          "first); ids as --list shows them."),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List the import batches (id, file, table, when, "
                                          "counts, undone).")
    ] = False,
) -> None:
    """Import CRM/Excel exports through a mapping; bad rows are quarantined with reasons.

    ``--list`` shows the import batches; ``--undo BATCH`` takes one back (restores what it
    overwrote, removes what it added, its rejected and flagged rows included)."""
    # deferred: the intake loads pandera and the Excel readers (~0.5 s) that `report` and
    # the schedule never need
    from salesanalysis.intake.pipeline import import_files
    from salesanalysis.intake.undo import batch_list_text, list_batches, undo_batches

    if list_ or undo:
        if files:
            raise ParameterError("give files to import, or --list / --undo, not both")
        with using_store(state.db) as store:
            if undo:
                echo(str(undo_batches(store, undo)))
            if list_:
                echo(batch_list_text(list_batches(store)))
        return
    if not files:
        raise ParameterError("no files given; pass one or more .csv or .xlsx files "
                             "(or --list, --undo BATCH)")
    new_store = not state.db.exists()
    try:
        with Store(state.db, create=True) as store:  # an import may start a new store
            summary = import_files(store, files, mapping=mapping, rejected_dir=rejected_dir,
                                   encoding=encoding)
    except SalesAnalysisError:
        if new_store:  # a failed first import leaves no empty store behind
            for leftover in (state.db, state.db.with_name(state.db.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    echo(str(summary))
    # deferred: the leak check loads scikit-learn (~1 s); it reads the store's closed deals
    from salesanalysis.models.leaks import check_store_leaks

    for line in check_store_leaks(state.db).warnings:
        echo(line)


@app.command()
def template(
    lang: Annotated[str, typer.Option(help="Header language: zh or en (both are shown).")] = "zh",
    out: Annotated[Path, typer.Option(help="Workbook to write.")] = Path("customer_intake_template.xlsx"),
) -> None:
    """Write the customer intake workbook (bilingual headers, drop-downs, instructions)."""
    from salesanalysis.intake.template import write_template

    path = write_template(out, lang=lang)
    echo(f"wrote intake template {path}")


@app.command()
def score(
    config: Annotated[Path | None, typer.Option(help="Scoring YAML (default: shipped weights).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default latest date in data.")] = None,
    out: Annotated[Path | None, typer.Option(help="Also write grades to .xlsx or .csv.")] = None,
    lang: Annotated[str, typer.Option(help="Headers of the --out sheet: en or zh.")] = "en",
) -> None:
    """Grade customers A/B/C and store the grades with as_of and the config hash."""
    # deferred: grading loads scikit-learn (~1 s), which the other commands do not need
    from salesanalysis.grading import score_store
    from salesanalysis.reports.workbooks import export_grades, grade_owners

    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise ParameterError(f"--out {out}: use a .csv or .xlsx file name")
    with using_store(state.db) as store:
        grades = score_store(store, config=config, as_of=as_of)
        owners = grade_owners(store)
    counts = grades["grade"].value_counts().reindex(list(GRADES), fill_value=0)
    mode = grades.attrs["mode"]
    when = ("cross-sectionally (the export has no dates)" if mode.cross_sectional
            else f"as of {format_date(grades['as_of'].iloc[0])}")
    echo(
        f"graded {format_count(len(grades))} customers {when} "
        f"(config {grades['config_hash'].iloc[0]}): "
        + ", ".join(f"{g} {format_count(n)}" for g, n in counts.items())
    )
    for note in grades.attrs.get("notes", []):  # mode, coverage per dimension, left out, ties
        echo(f"  {note}")
    if out is not None:
        echo(f"wrote {export_grades(grades, out, owners=owners, lang=lang)}")


@app.command()
def report(
    name: Annotated[str, typer.Argument(help="Report (notebook) name, e.g. monthly_review.")],
    month: Annotated[
        str | None, typer.Option(help="YYYY-MM; default the latest complete month in the data.")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("-p", "--param", help="Notebook parameter as NAME=VALUE (repeatable)."),
    ] = None,
    reports_dir: Annotated[Path, typer.Option(help="Where report folders are written.")] = Path("reports"),
    notebooks_dir: Annotated[Path | None, typer.Option(help="Folder of report notebooks.")] = None,
) -> None:
    """Render a report notebook with Papermill into reports/<month>/<name>.html."""
    from salesanalysis.reports.kernel import prepare_kernel
    from salesanalysis.reports.ledger import new_run_id
    from salesanalysis.reports.parameters import parse_cli_parameters

    parameters = parse_cli_parameters(param or [])
    run_id = new_run_id()
    # the kernel starts and loads the notebook's libraries while this process loads the
    # runner (Papermill, nbconvert and jsonschema, ~1.5 s) and checks the store
    kernel = prepare_kernel(name, parameters, reports_dir, run_id, notebooks_dir)
    try:
        from salesanalysis.reports.runner import run_report

        result = run_report(
            name,
            month=month,
            parameters=parameters,
            db=state.db,
            reports_dir=reports_dir,
            notebooks_dir=notebooks_dir,
            progress=sys.stderr.isatty(),  # a progress bar on a terminal; none in cron logs
            run_id=run_id,
            kernel=kernel,
        )
    finally:
        if kernel is not None:
            kernel.shutdown()
    echo(f"rendered {name} for {result.period} in {result.seconds:.1f}s")
    echo(str(result.html_path))


def _join_param_pairs(argv: list[str]) -> list[str]:
    """Accept Papermill's ``-p NAME VALUE`` as well as ``-p NAME=VALUE`` (the latter is what
    typer parses)."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in ("-p", "--param") and i + 2 < len(argv) and "=" not in argv[i + 1]:
            out += [token, f"{argv[i + 1]}={argv[i + 2]}"]
            i += 3
            continue
        out.append(token)
        i += 1
    return out


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script; turns package errors into one-line messages.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Raises
    ------
    SystemExit
        1 on a package or store error, 2 on a usage error, 130 when aborted.
    """
    args = _join_param_pairs(list(sys.argv[1:] if argv is None else argv))
    try:
        app(args=args, standalone_mode=False)
    except SalesAnalysisError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except duckdb.Error as exc:  # store locked, constraint broken: one line, nothing written
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        typer.echo(f"error: store {state.db}: {first} (nothing was written)", err=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        # Usage errors (unknown command or option): click's or typer's vendored click.
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(getattr(exc, "exit_code", None), int):
            show()
            sys.exit(exc.exit_code)
        raise
