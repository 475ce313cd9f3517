"""The frame every rendered report shares, and escaping of user strings.

A report notebook shows, right under its title, a scope line (:func:`scope_line` or
:func:`salesanalysis.reports.review.scope_text`) and :func:`contents`, an empty table of
contents; its last cell shows :func:`footer` (data as of, currency, config hash, package
version, generated-at and run id). :func:`finish_page` post-processes the HTML nbconvert wrote:
it fills the table of contents from the page's ``h2``/``h3`` headings, sets the page's
language, and drops the scripts nbconvert loads from CDNs (MathJax, require.js, mermaid), so
the page is self-contained and loads offline without errors.

Every user string (customer, rep, team, industry names, free text) that goes into Markdown
passes :func:`escape_markdown`; into HTML, :func:`html.escape`; tables escape their cells
(:mod:`salesanalysis.reports.tables`).
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any

from salesanalysis import __version__
from salesanalysis.exceptions import ReportError
from salesanalysis.formatting import currency_note, format_date
from salesanalysis.reports.messages import LANGS, catalogue, msg
from salesanalysis.store import Store, uses_store
from salesanalysis.store.scope import check_team

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#|$~])")

#: Scripts nbconvert's template loads from the network.
_REMOTE_SCRIPT = re.compile(
    r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>"
    r"|<script type=\"text/x-mathjax-config\">.*?</script>"
    r"|<script type=\"module\">.*?</script>",
    re.DOTALL,
)
_HEADING = re.compile(r"<h([23]) id=\"([^\"]+)\">(.*?)</h\1>", re.DOTALL)
_TOC = re.compile(r"<nav class=\"sa-toc\"[^>]*></nav>")  # attribute order varies
_ATTR = re.compile(r"data-(title|lang)=\"([^\"]*)\"")
_TAG = re.compile(r"<[^>]+>")

#: Styles of the frame (added to the page's head by :func:`finish_page`).
STYLE = """<style>
nav.sa-toc{border:1px solid #ddd;padding:.5em 1.5em;margin:1em 0;background:#fafafa}
nav.sa-toc ul{margin:.2em 0}nav.sa-toc li.sa-toc-3{margin-left:1.5em}
footer.sa-footer{border-top:1px solid #ccc;margin-top:3em;padding-top:.8em;color:#555;
font-size:.9em}footer.sa-footer span{margin-right:1.5em;display:inline-block}
</style>"""


class Html(str):
    """A string of HTML shown as HTML by Jupyter (``display(Html(...))``)."""

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # the plain-text twin Jupyter stores beside the HTML: short, not the page again
        printer.text(f"<HTML, {len(self):,} characters>")


def escape_markdown(text: object) -> str:
    """A user string made safe and literal inside Markdown: HTML special characters as
    entities, Markdown's emphasis, code, link, heading, table and maths characters
    backslash-escaped.

    Parameters
    ----------
    text : object
        Any value (turned into a string).

    Returns
    -------
    str
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def words(lang: str = "en") -> dict[str, str]:
    """The frame's words in ``lang`` (the ``frame`` section of the message catalogue)."""
    return {key: msg(f"frame.{key}", lang) for key in catalogue()["frame"]}


def contents(lang: str = "en") -> Html:
    """An empty table of contents, filled by :func:`finish_page` from the page's headings.

    Parameters
    ----------
    lang : {"en", "zh"}
        Language of its title and of the page.

    Returns
    -------
    Html
    """
    title = html.escape(words(lang)["contents"])
    return Html(
        f'<nav class="sa-toc" data-title="{title}" data-lang="{html.escape(lang)}"></nav>'
    )


@uses_store
def scope_line(
    store: Store | str, as_of: str | date | None = None, team: str | None = None,
    lang: str = "en",
) -> str:
    """One Markdown line saying what a report covers: the reference date, the team scope and
    the data's last date.

    Parameters
    ----------
    store : Store or str
        The store.
    as_of : str or date, optional
        The report's reference date (default: the latest date in the data).
    team : str, optional
        The team the report is restricted to.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
    """
    w = words(lang)
    team = check_team(store, team)
    latest = store.latest_date()
    when = as_of or latest
    who = w["team"].format(team=f"**{escape_markdown(team)}**") if team else w["all_teams"]
    shown = format_date(when) if when is not None else w["no_data"]
    return f"**{w['period']}:** {shown} · **{w['scope']}:** {who}"


def scope_words(store: Store, team: str | None, lang: str = "en") -> tuple[str, str]:
    """The team scope ("all teams" / "team North") and the data's last date ("data to
    2026-11-15"), in ``lang``, for a report's scope line (``team`` already checked)."""
    latest = store.latest_date()
    who = (msg("scope.team", lang, team=escape_markdown(team)) if team
           else msg("scope.all_teams", lang))
    data_end = (msg("scope.data_end", lang, date=format_date(latest, lang)) if latest is not None
                else msg("scope.no_data", lang))
    return who, data_end


@uses_store
def footer(
    store: Store | str,
    run_id: str | None = None,
    generated_at: str | None = None,
    config_hash: str | None = None,
    as_of: str | date | None = None,
    lang: str = "en",
) -> Html:
    """The report's footer: data as of, currency, config hash, package version, generated-at
    and run id, every value escaped.

    Parameters
    ----------
    store : Store or str
        The store.
    run_id : str, optional
        The runner's run id (None when the notebook runs by hand).
    generated_at : str, optional
        When the runner started the run (ISO text); None = now.
    config_hash : str, optional
        Hash of the scoring configuration the report used.
    as_of : str or date, optional
        The data's reference date (default: the latest date in the data).
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    Html
    """
    w = words(lang)
    latest = as_of or store.latest_date()
    generated = generated_at or datetime.now().isoformat(timespec="seconds")
    items = [
        (w["as_of"], format_date(latest) if latest is not None else w["no_data"]),
        (None, currency_note(store.currency, lang)),
    ]
    if config_hash:
        items.append((w["config"], config_hash))
    items += [
        (w["version"], __version__),
        (w["generated"], generated),
        (w["run"], run_id or w["interactive"]),
    ]
    spans = "".join(
        f"<span>{html.escape(name) + ': ' if name else ''}{html.escape(str(value))}</span>"
        for name, value in items
    )
    return Html(f'<footer class="sa-footer">{spans}</footer>')


def finish_page(page: str) -> str:
    """Post-process an nbconvert HTML page: fill the table of contents placed by
    :func:`contents` from the ``h2``/``h3`` headings after it, set ``<html lang>``, add the
    frame's styles and drop the scripts loaded from the network.

    Parameters
    ----------
    page : str
        The HTML page.

    Returns
    -------
    str
    """
    page = _REMOTE_SCRIPT.sub("", page)
    page = page.replace("</head>", STYLE + "</head>", 1)
    found = _TOC.search(page)
    if found is None:
        return page
    attrs = dict(_ATTR.findall(found.group(0)))
    title, lang = attrs.get("title", ""), attrs.get("lang", "en")
    items = []
    for level, anchor, inner in _HEADING.findall(page[found.end():]):
        text = _TAG.sub("", inner).replace("¶", "").strip()
        items.append(f'<li class="sa-toc-{level}"><a href="#{anchor}">{text}</a></li>')
    toc = (
        f'<nav class="sa-toc" aria-label="{title}"><strong>{title}</strong>'
        f"<ul>{''.join(items)}</ul></nav>"
    )
    page = page[: found.start()] + toc + page[found.end():]
    if lang in LANGS:
        page = re.sub(r"<html(\s+lang=\"[^\"]*\")?", f'<html lang="{lang}"', page, count=1)
    return page


def section(key: str, lang: str = "en", level: int = 2) -> Html:
    """A section's heading and text from the message catalogue (``<key>.title`` and
    ``<key>.text``), the heading's id the key's last part (the same in every language).

    Parameters
    ----------
    key : str
        Dotted catalogue key, e.g. ``"monthly_review.headline"``.
    lang : {"en", "zh"}
        Language.
    level : int
        Heading level (1 for the report's title, 2 and 3 appear in the table of contents).

    Returns
    -------
    Html
    """
    anchor = html.escape(key.rsplit(".", 1)[-1])
    title = html.escape(msg(f"{key}.title", lang))
    node = catalogue()
    for part in key.split("."):
        node = node[part]
    text = f"<p>{html.escape(msg(f'{key}.text', lang))}</p>" if "text" in node else ""
    return Html(f'<h{level} id="{anchor}">{title}</h{level}>{text}')


@uses_store
def report_language(store: Store | str, lang: str | None = None) -> str:
    """The report's language: ``lang`` when given, else the store's (``zh`` when most of a
    sample of customer names are written in Chinese characters, else ``en``).

    Parameters
    ----------
    store : Store or str
        The store.
    lang : {"en", "zh"}, optional
        The language asked for.

    Returns
    -------
    str

    Raises
    ------
    ReportError
        An unsupported language.
    """
    if lang is not None:
        if lang not in LANGS:
            raise ReportError(f"lang {lang!r} is not supported; use one of {', '.join(LANGS)}")
        return lang
    names = store.read("report_name_sample")["name"].astype(str)
    chinese = names.str.contains(r"[\u4e00-\u9fff]", regex=True)
    return "zh" if len(names) and chinese.mean() > 0.5 else "en"
