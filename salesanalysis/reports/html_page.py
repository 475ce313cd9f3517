"""An executed report notebook as its HTML page: nbconvert's lab template, without code.

nbconvert's :class:`~nbconvert.exporters.HTMLExporter` re-reads every page it renders with
BeautifulSoup to add two attributes (a default ``alt`` on images without one, ``tabindex`` on
inputs and outputs): about a second and a half for a review page of a megabyte. :class:`ReportExporter`
renders the same template and adds the same attributes to the markup the template wrote,
with two regular expressions; the report's own HTML (escaped tables, figures as ``<img>``)
passes through untouched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode

from salesanalysis.reports.frame import finish_page

#: nbconvert's words for an image without a description (kept, so pages read as before).
DEFAULT_ALT = "No description has been provided for this image"
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)(?=[\s/>])")
_FOCUSABLE_DIV = re.compile(
    r'<div class="((?:[^"]*\s)?jp-(?:OutputArea-output|Cell-inputWrapper)(?:\s[^"]*)?)"')


class ReportExporter(HTMLExporter):
    """:class:`~nbconvert.exporters.HTMLExporter` without its BeautifulSoup pass."""

    def from_notebook_node(self, nb: NotebookNode, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        """The page of ``nb`` (as nbconvert's, the accessibility attributes included)."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        page = _IMG_WITHOUT_ALT.sub(f'<img alt="{DEFAULT_ALT}"', page)
        return _FOCUSABLE_DIV.sub(r'<div class="\1" tabindex="0"', page), resources


def notebook_to_html(notebook: str | Path, title: str | None = None) -> str:
    """Render an executed notebook as self-contained HTML without code cells, prompts or
    stderr output (warnings stay in the executed ``.ipynb`` beside it).

    Parameters
    ----------
    notebook : str or Path
        An executed notebook.
    title : str, optional
        The page title (default from the file name).

    Returns
    -------
    str
        The HTML page.
    """
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:  # warnings are for whoever debugs the executed notebook, not readers
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    exporter = ReportExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    name = title or Path(notebook).stem.removesuffix(".failed").replace("_", " ").capitalize()
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return finish_page(body)  # table of contents, language, no remote scripts
