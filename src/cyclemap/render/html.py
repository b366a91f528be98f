"""One self-contained HTML page per journey, for a director: it opens offline.

At the top, what the journey does to customers: success rate, customers lost, the three fixes
that pay back first and the findings by severity (the same figures `stats` and `audit` give).
Below, the blueprint fitted to the window (drag to pan, wheel or buttons to zoom); clicking a
step shows its details, clicking a finding selects its steps on the map and brings them into
view. Then the findings by severity with their steps by name, where customers are lost, the
quick wins, and the pain points and opportunities.

Every user string is HTML-escaped here. The page's one script is cyclemap's own: it reads the
step details from a JSON block (written with `<`, `>` and `&` escaped, so no text can close
it) and sets them with `textContent`. No external resource, no link built from user text.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from cyclemap.analysis.report import abandon_rate, analyse, marked
from cyclemap.findings import Finding, Severity
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import FlowError, flow_model
from cyclemap.render.blueprint import Blueprint
from cyclemap.util.i18n import _, language, ngettext, pgettext
from cyclemap.util.numbers import customers, percent

_STYLE = """
*{box-sizing:border-box}
body{font-family:Helvetica,Arial,"Liberation Sans",sans-serif;margin:0;color:#1f2933;
 background:#f4f5f7}
header{padding:14px 24px 10px;background:#fff;border-bottom:1px solid #dde1e6;
 display:flex;flex-wrap:wrap;gap:10px 28px;align-items:flex-start}
header .who{flex:1 1 360px;min-width:300px}
h1{font-size:22px;margin:0 0 4px}
.sub{color:#52606d;margin:0;font-size:13px}
.cards{display:flex;gap:10px;flex-wrap:wrap}
.card{background:#f8f9fb;border:1px solid #e1e4e8;border-radius:8px;padding:8px 12px;
 min-width:120px}
.card b{display:block;font-size:20px}
.card span{font-size:12px;color:#52606d}
.wins{flex:1 1 420px;font-size:13px;margin:0;padding-left:18px}
.wins li{margin:2px 0}
.sev-error{color:#c62828}.sev-warning{color:#a15c00}.sev-info{color:#1565c0}
.map{position:relative;height:calc(100vh - var(--top, 160px));min-height:360px;
 margin:10px 16px;background:#fff;border:1px solid #dde1e6;border-radius:8px;overflow:hidden;
 cursor:grab}
.map.dragging{cursor:grabbing}
.map svg{display:block;width:100%;height:100%;user-select:none}
.tools{position:absolute;left:10px;bottom:10px;display:flex;gap:4px;z-index:2}
.tools button{font:inherit;font-size:13px;border:1px solid #c5cad3;background:#fff;
 border-radius:4px;padding:3px 9px;cursor:pointer}
.panel{position:absolute;right:10px;top:10px;width:340px;max-height:calc(100% - 20px);
 overflow:auto;background:#fff;border:1px solid #c5cad3;border-radius:8px;padding:10px 12px;
 font-size:13px;box-shadow:0 2px 10px rgba(0,0,0,.12);z-index:2}
.panel[hidden]{display:none}
.panel h3{margin:0 22px 6px 0;font-size:15px}
.panel dl{margin:0}.panel dt{font-weight:bold;margin-top:5px;color:#334e68}
.panel dd{margin:0 0 0 10px;white-space:pre-wrap}
.panel .close{position:absolute;right:8px;top:6px;border:0;background:none;font-size:18px;
 cursor:pointer}
main{padding:0 16px 24px}
section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:12px 16px;
 margin:12px 0}
h2{font-size:17px;margin:0 0 8px}
ol.findings{list-style:none;padding:0;margin:0}
.finding{border-left:4px solid #c5cad3;padding:6px 10px;margin:6px 0;cursor:pointer;
 background:#fafbfc}
.finding:hover,.finding.active{background:#fff4e5}
.finding.error{border-color:#c62828}.finding.warning{border-color:#f9a825}
.finding.info{border-color:#1565c0}
.finding .steps{color:#52606d;font-size:12px;margin-top:2px}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #e1e4e8;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f5f7}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.step.selected>polygon,.step.selected>path{stroke:#ff6f00!important;stroke-width:5px!important}
.step{cursor:pointer}
.clean{color:#2e7d32}
footer{color:#7b8794;font-size:12px;padding:0 16px 16px}
"""

SCRIPT = r"""
(function () {
  var map = document.querySelector('.map');
  var svg = map.querySelector('svg');
  var data = JSON.parse(document.getElementById('cyclemap-data').textContent);
  var full = svg.viewBox.baseVal;
  var home = {x: full.x, y: full.y, w: full.width, h: full.height};
  var view = Object.assign({}, home);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  var top = map.getBoundingClientRect().top + window.scrollY;
  document.documentElement.style.setProperty('--top', (top + 16) + 'px');
  function show() {
    svg.setAttribute('viewBox', [view.x, view.y, view.w, view.h].join(' '));
  }
  function zoom(factor, cx, cy) {
    var w = Math.min(Math.max(view.w * factor, home.w / 40), home.w * 4);
    var h = w * view.h / view.w;
    if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
    view.x = cx - (cx - view.x) * w / view.w;
    view.y = cy - (cy - view.y) * h / view.h;
    view.w = w; view.h = h;
    show();
  }
  function toSvg(event) {
    var rect = svg.getBoundingClientRect();
    var scale = Math.max(view.w / rect.width, view.h / rect.height);
    var offsetX = (rect.width - view.w / scale) / 2, offsetY = (rect.height - view.h / scale) / 2;
    return {x: view.x + (event.clientX - rect.left - offsetX) * scale,
            y: view.y + (event.clientY - rect.top - offsetY) * scale, scale: scale};
  }
  map.addEventListener('wheel', function (event) {
    event.preventDefault();
    var at = toSvg(event);
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, at.x, at.y);
  }, {passive: false});
  var drag = null;
  map.addEventListener('pointerdown', function (event) {
    if (event.target.closest('.tools, .panel')) { return; }
    drag = {x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false,
            scale: toSvg(event).scale};
  });
  window.addEventListener('pointermove', function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; map.classList.add('dragging'); }
    view.x = drag.vx - dx * drag.scale;
    view.y = drag.vy - dy * drag.scale;
    show();
  });
  window.addEventListener('pointerup', function () {
    map.classList.remove('dragging');
    setTimeout(function () { drag = null; }, 0);
  });
  document.getElementById('zoom-in').onclick = function () { zoom(1 / 1.3); };
  document.getElementById('zoom-out').onclick = function () { zoom(1.3); };
  document.getElementById('zoom-fit').onclick = function () {
    view = Object.assign({}, home); show();
  };
  var panel = document.getElementById('details');
  document.getElementById('details-close').onclick = function () { panel.hidden = true; };
  function details(hook) {
    var entry = data.steps[hook];
    if (!entry) { return; }
    panel.querySelector('h3').textContent = entry.title;
    var list = panel.querySelector('dl');
    list.textContent = '';
    entry.rows.forEach(function (row) {
      var dt = document.createElement('dt'); dt.textContent = row[0];
      var dd = document.createElement('dd'); dd.textContent = row[1];
      list.appendChild(dt); list.appendChild(dd);
    });
    panel.hidden = false;
  }
  function select(hooks) {
    document.querySelectorAll('.step.selected').forEach(function (el) {
      el.classList.remove('selected');
    });
    var box = null;
    hooks.forEach(function (hook) {
      var el = document.getElementById(hook);
      if (!el) { return; }
      el.classList.add('selected');
      var b = el.getBBox();
      box = box ? {x1: Math.min(box.x1, b.x), y1: Math.min(box.y1, b.y),
                   x2: Math.max(box.x2, b.x + b.width), y2: Math.max(box.y2, b.y + b.height)}
                : {x1: b.x, y1: b.y, x2: b.x + b.width, y2: b.y + b.height};
    });
    if (!box) { return; }
    var matrix = svg.querySelector('g.graph').transform.baseVal.consolidate();
    var m = matrix ? matrix.matrix : {a: 1, d: 1, e: 0, f: 0};
    var x1 = box.x1 * m.a + m.e, x2 = box.x2 * m.a + m.e;
    var y1 = box.y1 * m.d + m.f, y2 = box.y2 * m.d + m.f;
    var pad = 80;
    var w = Math.max(x2 - x1 + 2 * pad, home.w / 3), h = Math.max(y2 - y1 + 2 * pad, home.h / 3);
    var ratio = home.w / home.h;
    if (w / h < ratio) { w = h * ratio; } else { h = w / ratio; }
    view = {x: (x1 + x2) / 2 - w / 2, y: (y1 + y2) / 2 - h / 2, w: w, h: h};
    show();
    map.scrollIntoView({block: 'nearest'});
  }
  document.querySelectorAll('.finding').forEach(function (item) {
    item.addEventListener('click', function () {
      document.querySelectorAll('.finding.active').forEach(function (el) {
        el.classList.remove('active');
      });
      item.classList.add('active');
      select((item.getAttribute('data-steps') || '').split(' ').filter(Boolean));
    });
  });
  svg.querySelectorAll('.step').forEach(function (step) {
    step.addEventListener('click', function () {
      if (drag && drag.moved) { return; }
      select([step.id]);
      details(step.id);
    });
  });
  show();
})();
"""
"""The page's one script, inline (a policy that allows scripts by hash can name it)."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _prose(value: str) -> str:
    """A message for people, escaped, with its `names` set as code rather than shown with
    their backticks (a director reads the page, not the Markdown)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(value))


def inline_svg(svg: bytes) -> str:
    """The SVG document without its XML prologue and comments, ready to sit inside HTML."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    text = text[start:] if start >= 0 else ""
    return re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)


def _json_for_script(value: object) -> str:
    """JSON that cannot end its `<script>` element: `<`, `>` and `&` written as escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _step_names(graph: JourneyGraph, blueprint: Blueprint) -> dict[str, tuple[str, str]]:
    """Step id -> (hook on the map, name shown)."""
    names = {}
    for box in blueprint.boxes:
        if box.hook.startswith("step-"):
            step = graph.journey.document.steps[int(box.hook[5:])]
            names[step.id] = (box.hook, " ".join(step.label.split()))
    return names


def severity_count(severity: Severity, count: int) -> str:
    """`2 errors`, `1 warning`, `0 info`."""
    if severity is Severity.ERROR:
        text = ngettext("{count} error", "{count} errors", count)
    elif severity is Severity.WARNING:
        text = ngettext("{count} warning", "{count} warnings", count)
    else:
        text = ngettext("{count} info", "{count} info", count)
    return text.format(count=count)


def _section(title: str, body: str) -> str:
    return f"<section><h2>{_e(title)}</h2>{body}</section>"


def _card(figure: str, words: str) -> str:
    """A figure of the header and what it counts (`words` already escaped)."""
    return f'<div class="card"><b>{_e(figure)}</b><span>{words}</span></div>'


def _button(hook: str, title: str, text: str, classes: str = "") -> str:
    shown = f' class="{classes}"' if classes else ""
    return f'<button{shown} id="{hook}" type="button" title="{_e(title)}">{_e(text)}</button>'


def _tools() -> str:
    """The zoom buttons over the map."""
    buttons = (
        _button("zoom-fit", _("Fit the map"), pgettext("zoom", "Fit")),
        _button("zoom-in", _("Zoom in"), "+"),
        _button("zoom-out", _("Zoom out"), "\u2212"),
    )
    return f'<div class="tools">{"".join(buttons)}</div>'


def _table_head(*names: str) -> str:
    return "<tr>" + "".join(f"<th>{_e(name)}</th>" for name in names) + "</tr>"


def _footer() -> str:
    return _(
        "Made with cyclemap. Drag the map to move it; scroll or use + and \u2212 to zoom; "
        "click a step for its details."
    )


def _findings_section(
    graph: JourneyGraph, blueprint: Blueprint, findings: Sequence[Finding] | None
) -> str:
    if findings is None:
        hidden = _("Not shown (drawn with --no-findings).")
        return _section(_("Findings"), f"<p>{_e(hidden)}</p>")
    if not findings:
        clean = _("No findings: the audit found nothing to fix.")
        return _section(_("Findings"), f'<p class="clean">{_e(clean)}</p>')
    names = _step_names(graph, blueprint)
    ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.rule, f.line, f.column))
    items = []
    for finding in ordered:
        hooks = [names[step][0] for step in finding.steps if step in names]
        shown = [f"{names[step][1]} ({step})" if step in names else step for step in finding.steps]
        severity = finding.severity.value
        steps = f'<div class="steps">{_e(" → ".join(shown))}</div>' if shown else ""
        items.append(
            f'<li class="finding {_e(severity)}" data-steps="{_e(" ".join(hooks))}" '
            f'tabindex="0"><b class="sev-{_e(severity)}">{_e(finding.severity.label)}</b> '
            f"<code>{_e(finding.rule)}</code> — {_prose(finding.message)}{steps}</li>"
        )
    hint = _("Click a finding to see its steps on the map.")
    return _section(
        _("Findings, most severe first"),
        f'<p class="sub">{_e(hint)}</p><ol class="findings">{"".join(items)}</ol>',
    )


def _figures(graph: JourneyGraph, findings: Sequence[Finding] | None) -> Any:
    """The `stats` figures of the journey, or None when they do not exist."""
    try:
        return analyse(graph, findings or [], top=5, groups=False)
    except FlowError:
        return None


def _header(
    graph: JourneyGraph, blueprint: Blueprint, figures: Any, findings: Sequence[Finding] | None
) -> str:
    cards = []
    if figures is not None:
        endings = figures.overall.endings
        lost = endings.lost
        cards.append(_card(percent(endings.success), _e(_("reach success"))))
        if figures.by_volume and figures.total_volume is not None:
            total = customers(figures.total_volume)
            cards.append(
                _card(
                    customers(figures.total_volume * lost),
                    _e(_("customers lost per period, of {total}").format(total=total)),
                )
            )
        else:
            cards.append(_card(percent(lost), _e(_("of customers lost"))))
    if findings is not None:
        counts = {severity: 0 for severity in Severity}
        for finding in findings:
            counts[finding.severity] += 1
        parts = " · ".join(
            f'<span class="sev-{s.value}">{_e(severity_count(s, counts[s]))}</span>'
            for s in Severity
        )
        cards.append(_card(str(len(findings)), parts))
    wins = ""
    if figures is not None and figures.quick_wins:
        items = "".join(
            f"<li>{_e(win.description)}: <b>{_e(figures.gain_text(win))}</b></li>"
            for win in figures.quick_wins[:3]
        )
        title = _("Quick wins")
        wins = f'<ol class="wins" title="{_e(title)}">{items}</ol>'
    description = graph.journey.document.journey.description or ""
    return (
        f'<header><div class="who"><h1>{_e(blueprint.title)}</h1>'
        f'<p class="sub">{_e(blueprint.subtitle)} · {_e(graph.journey.display)}</p>'
        + (f'<p class="sub">{_e(" ".join(description.split()))}</p>' if description else "")
        + f'</div><div class="cards">{"".join(cards)}</div>{wins}</header>'
    )


LOSING_ROWS = 10
"""Steps listed where customers are lost, as many as `cyclemap stats` lists."""


def _losses(graph: JourneyGraph) -> str:
    """The steps that lose the most customers, abandoning, stuck with no way forward, or
    ending at a `failure` or `abandoned` outcome: the same rows and figures as `cyclemap
    stats`."""
    try:
        model = flow_model(graph)
    except FlowError:
        return ""
    losing = model.losing_steps(LOSING_ROWS)
    if not losing:
        return ""

    def amount(value: float) -> str:
        return customers(value) if model.by_volume else percent(value)

    rows = "".join(
        f"<tr><td>{_e(marked(' '.join(graph.step(flow.step).label.split()), flow))}</td>"
        f"<td>{_e(flow.step)}</td><td>{_e(abandon_rate(flow))}</td>"
        f"<td>{_e(amount(flow.abandoned))}</td><td>{_e(amount(flow.stuck))}</td>"
        f"<td>{_e(amount(flow.ended_unhappily))}</td><td>{_e(amount(flow.lost))}</td></tr>"
        for flow in losing
    )
    head = _table_head(
        _("step"),
        _("id"),
        _("abandon rate"),
        pgettext("customers who", "abandon"),
        _("no way forward"),
        _("end at the outcome"),
        _("lost ({unit})").format(unit=_(model.unit)),
    )
    return _section(_("Where customers are lost"), f"<table>{head}{rows}</table>")


def _quick_wins(figures: Any) -> str:
    if figures is None or not figures.quick_wins:
        return ""
    rows = "".join(
        f"<tr><td>{_e(win.description)}</td><td>{_e(figures.gain_text(win))}</td>"
        f"<td>{_e(percent(win.success_after))}</td><td>{_e(figures.win_note(win))}</td></tr>"
        for win in figures.quick_wins
    )
    head = _table_head(_("fix"), _("gain"), _("success after"), _("assumption"))
    return _section(_("Quick wins"), f"<table>{head}{rows}</table>")


def _notes(blueprint: Blueprint) -> str:
    if not blueprint.notes:
        return ""
    kinds = {"pain": _("pain point"), "opportunity": _("opportunity")}
    rows = "".join(
        f'<tr><td class="n"><b class="{"sev-error" if n.kind == "pain" else "clean"}">'
        f"{n.number}</b></td><td>{_e(kinds[n.kind])}</td>"
        f"<td>{_e(n.step_name)}</td><td>{_e(n.text)}</td></tr>"
        for n in blueprint.notes
    )
    head = _table_head("#", _("kind"), _("step"), _("note"))
    return _section(_("Pain points and opportunities"), f"<table>{head}{rows}</table>")


def _details(graph: JourneyGraph, blueprint: Blueprint) -> dict[str, Any]:
    """What the panel shows for each step: its tooltip, split into labelled rows."""
    leaving: dict[str, list[str]] = defaultdict(list)
    for arrow in blueprint.lines:
        leaving[arrow.source].append(arrow.tooltip.replace("\n", " · "))
    steps: dict[str, Any] = {}
    for box in blueprint.boxes:
        lines = box.tooltip.split("\n")
        rows = []
        for line in lines[1:]:
            label, separator, value = line.partition(": ")
            if separator and not line.startswith("  "):
                rows.append([label, value])
            elif line.startswith("  "):
                label, _sep, value = line.strip().partition(": ")
                rows.append([_("moment of truth") + f" · {label}", value])
            else:
                rows.append(["", line])
        rows += [[_("goes on to"), text] for text in leaving[box.hook]]
        steps[box.hook] = {"title": lines[0], "rows": rows}
    return {"steps": steps}


def to_html(
    graph: JourneyGraph, blueprint: Blueprint, svg: bytes, findings: list[Finding] | None
) -> str:
    """The page; `findings` None when the user asked not to show them."""
    figures = _figures(graph, findings)
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(blueprint.title)} — cyclemap</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{_header(graph, blueprint, figures, findings)}\n"
        '<div class="map" id="map">'
        f"{_tools()}"
        '<aside class="panel" id="details" hidden>'
        + _button("details-close", _("Close"), "\u00d7", "close")
        + "<h3></h3><dl></dl></aside>"
        f"{inline_svg(svg)}</div>\n<main>\n"
        f"{_findings_section(graph, blueprint, findings)}\n{_quick_wins(figures)}\n"
        f"{_losses(graph)}\n{_notes(blueprint)}\n</main>\n"
        f"<footer>{_e(_footer())}</footer>\n"
        '<script type="application/json" id="cyclemap-data">'
        f"{_json_for_script(_details(graph, blueprint))}</script>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def overview_html(graph: JourneyGraph, svg: bytes, subtitle: str | None = None) -> str:
    """The page of a map with nothing to click (a `--collapse` overview, a change map): the
    title, what the map is, and the map fitted to the window's width."""
    title = " ".join(graph.journey.document.journey.name.split())
    what = f"{_e(subtitle)}<br>" if subtitle else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} — cyclemap</title>\n<style>{_STYLE}"
        ".overview svg{max-width:100%;height:auto}</style>\n</head>\n<body>\n"
        f'<header><div class="who"><h1>{_e(title)}</h1><p class="sub">{what}{_e(graph.id)} · '
        f"{_e(graph.journey.display)}</p></div></header>\n"
        f'<main><section class="overview">{inline_svg(svg)}</section></main>\n</body>\n</html>\n'
    )
