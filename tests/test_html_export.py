"""HTML exports (Confluence, Google Docs) read as Markdown: tables stay tables."""

from __future__ import annotations

from analyzer.reading.html import html_to_text
from analyzer.reading.markdown import parse

EXPORT = """<html><body><h1>Review</h1>
<h2>Action Items</h2>
<table>
<tr><th>Action</th><th>Owner</th><th>Due</th></tr>
<tr><td>Gate the release on the holdout check</td><td>ML platform</td><td>2026-07-03</td></tr>
<tr><td>Alert when the queue is older than 5 minutes</td><td>SRE</td><td>Done</td></tr>
</table>
<p>After the table.</p>
<table><tr><td>Severity</td><td>2</td></tr></table>
</body></html>"""


def test_an_exported_table_gets_a_delimiter_row_after_its_header():
    text = html_to_text(EXPORT)
    assert "| Action | Owner | Due |\n| --- | --- | --- |\n| Gate the release" in text
    assert "| Severity | 2 |\n| --- | --- |" in text  # each table gets its own
    assert "| --- | --- | --- |\n| Alert" not in text  # only one delimiter per table


def test_exported_table_rows_are_table_cells_for_the_reader():
    document = parse(html_to_text(EXPORT))
    assert document.tables, "the exported rows must read as a GFM table"
    header = next(iter(document.tables.values()))
    assert header == ["action", "owner", "due"]
    cells = [b for b in document.blocks if b.table is not None and b.row == 1]
    assert [document.text[b.start:b.end] for b in cells][:1] == ["Gate the release on the holdout check"]


def test_nested_table_rows_do_not_reset_the_outer_table():
    html = ("<table><tr><th>a</th><th>b</th></tr><tr><td>x</td><td><table><tr><td>in</td></tr></table></td></tr>"
            "<tr><td>y</td><td>z</td></tr></table>")
    text = html_to_text(html)
    assert text.count("| a | b |\n| --- | --- |") == 1
