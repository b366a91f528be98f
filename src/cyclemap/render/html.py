"""One self-contained HTML page per journey, fit to send to a manager: it opens offline.

The page holds the title, the map as inline SVG (drawn by dot, which escapes the text it
writes), the findings table and the flow figures when they exist. Every user string is
HTML-escaped here; there is no script, no external resource and no link built from user text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from cyclemap.findings import Finding
from cyclemap.flow_model import FlowError, flow_model
from cyclemap.graph import JourneyGraph
from cyclemap.numbers import customers, percent

_STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:2rem;color:#222}
h1{margin-bottom:.2rem}.sub{color:#666;margin-top:0}
.map{overflow:auto;border:1px solid #ddd;padding:1rem;margin:1rem 0}
.map svg{max-width:none;height:auto}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ddd;padding:.35rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}.error{color:#c62828;font-weight:bold}
.warning{color:#b26a00;font-weight:bold}.info{color:#1565c0}
.clean{color:#2e7d32}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def inline_svg(svg: bytes) -> str:
    """The SVG document without its XML prologue, ready to sit inside HTML."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _findings_table(findings: Iterable[Finding] | None) -> str:
    if findings is None:
        return "<p>Findings are not shown on this page (drawn with --no-findings).</p>"
    rows = [
        f'<tr><td class="{_e(f.severity.value)}">{_e(f.severity.value)}</td>'
        f"<td>{_e(f.rule)}</td><td>{f.line}:{f.column}</td><td>{_e(f.message)}</td></tr>"
        for f in findings
    ]
    if not rows:
        return '<p class="clean">No findings: the audit found nothing to fix.</p>'
    head = "<tr><th>severity</th><th>rule</th><th>line</th><th>finding</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


LOSING_ROWS = 10
"""Steps listed where customers are lost, as many as `cyclemap stats` lists."""


def _flow_table(graph: JourneyGraph) -> str:
    """The steps that lose the most customers, abandoning or stuck with no way forward: the
    same rows and figures as `cyclemap stats`."""
    try:
        model = flow_model(graph)
    except FlowError:
        return ""
    losing = model.losing_steps(LOSING_ROWS)
    if not losing:
        return ""

    def amount(value: float) -> str:
        return customers(value) if model.by_volume else percent(value)

    rows = [
        f"<tr><td>{_e(graph.step(flow.step)['label'])}</td><td>{_e(flow.step)}</td>"
        f"<td>{_e(percent(flow.abandon))}</td><td>{_e(amount(flow.abandoned))}</td>"
        f"<td>{_e(amount(flow.stuck))}</td><td>{_e(amount(flow.lost))}</td></tr>"
        for flow in losing
    ]
    head = (
        "<tr><th>step</th><th>id</th><th>abandon rate</th><th>abandon</th><th>no way forward</th>"
        f"<th>lost ({_e(model.unit)})</th></tr>"
    )
    return f"<h2>Where customers are lost</h2><table>{head}{''.join(rows)}</table>"


def to_html(graph: JourneyGraph, svg: bytes, findings: list[Finding] | None) -> str:
    """The page; `findings` None when the user asked not to show them."""
    title = graph.journey.document.journey.name
    description = graph.journey.document.journey.description or ""
    svg_text = re.sub(r"<!--.*?-->", "", inline_svg(svg), flags=re.DOTALL)
    return (
        '<!DOCTYPE html>\n<html lang="es">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} — cyclemap</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<h1>{_e(title)}</h1>\n<p class="sub">{_e(graph.id)} · {_e(graph.journey.display)}'
        f'</p>\n<p>{_e(description)}</p>\n<div class="map">{svg_text}</div>\n'
        f"<h2>Findings</h2>\n{_findings_table(findings)}\n{_flow_table(graph)}\n"
        '<p class="sub">Made with cyclemap.</p>\n</body>\n</html>\n'
    )
