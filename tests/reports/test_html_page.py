"""The report page: nbconvert's page, the same markup without its BeautifulSoup pass."""

import base64
import copy

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from salesanalysis.reports.html_page import DEFAULT_ALT, ReportExporter, notebook_to_html

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")).decode()


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [
        nbformat.v4.new_output("display_data", {"text/html": "<table><tr><td>&lt;b&gt;</td></tr>"
                                                "</table>", "text/plain": "t"}),
        nbformat.v4.new_output("display_data", {"image/png": PNG, "text/plain": "fig"}),
        nbformat.v4.new_output("stream", name="stderr", text="a warning\n"),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Review"), cell]
    return nb


def test_page_is_nbconvert_page_without_the_reparse():
    options = {"exclude_input": True, "exclude_input_prompt": True, "exclude_output_prompt": True}
    resources = {"metadata": {"name": "Review"}}
    nb = _notebook()
    theirs, _ = HTMLExporter(**options).from_notebook_node(copy.deepcopy(nb), resources=dict(resources))
    ours, _ = ReportExporter(**options).from_notebook_node(copy.deepcopy(nb), resources=dict(resources))
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs
    assert ours.count(f'alt="{DEFAULT_ALT}"') == 1
    assert ours.count('tabindex="0"') == theirs.count('tabindex="0"') >= 2


def test_notebook_to_html_drops_stderr_and_keeps_escaped_text(tmp_path):
    path = tmp_path / "review.ipynb"
    nbformat.write(_notebook(), str(path))
    page = notebook_to_html(path, "Monthly review 2026-10")
    assert "a warning" not in page
    assert "&lt;b&gt;" in page and "<b>" not in page.split("<body", 1)[1]
    assert "<title>Monthly review 2026-10</title>" in page
