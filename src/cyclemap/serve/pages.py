"""The pages `serve` answers with: the index of journeys, and each journey's page, which is the
page `render --format html` writes with a bar, the problems of a broken version and the live
reload added around it. The style sheet and script they load are constants here: the server
has no other asset.

Every piece of journey text is HTML-escaped here, as in the page itself; problems are shown
with the lines around them, made one safe line each.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from urllib.parse import quote

from cyclemap.engine.checking import Status
from cyclemap.errors import Problem
from cyclemap.findings import Severity
from cyclemap.render.html import SCRIPT, severity_count
from cyclemap.serve.site import Entry, Site
from cyclemap.util.i18n import _, language, ngettext
from cyclemap.util.numbers import number, percent
from cyclemap.util.text import one_line

ASSETS = "/_cyclemap"
"""Where the server's own files are: a name no journey path can take (no journey file
starts with `_cyclemap/` at the root: the journey pages live under `/journey/`)."""
JOURNEY = "/journey/"
CONTEXT_LINES = 2
"""Lines shown before and after the line of a problem."""
LINE_LIMIT = 200
"""Characters shown of a long line."""

STYLE = """
.cm-bar{display:flex;gap:14px;align-items:center;padding:7px 24px;background:#1f2933;
 color:#f4f5f7;font:13px Helvetica,Arial,"Liberation Sans",sans-serif}
.cm-bar a{color:#fff;font-weight:bold;text-decoration:none}
.cm-bar .cm-file{color:#cbd2d9;font-family:monospace;overflow:hidden;text-overflow:ellipsis;
 white-space:nowrap;flex:1}
.cm-live{border-radius:10px;padding:1px 9px;font-size:12px;background:#52606d}
.cm-live.on{background:#2e7d32}.cm-live.off{background:#c62828}
.cm-index{font-family:Helvetica,Arial,"Liberation Sans",sans-serif;margin:0;color:#1f2933;
 background:#f4f5f7}
.cm-main{padding:14px 24px}
.cm-main h1{font-size:22px;margin:4px 0}
.cm-main .cm-sub{color:#52606d;margin:0 0 12px;font-size:13px}
.cm-journeys{border-collapse:collapse;background:#fff;font-size:14px;width:100%}
.cm-journeys th,.cm-journeys td{border:1px solid #e1e4e8;padding:6px 10px;text-align:left;
 vertical-align:top}
.cm-journeys th{background:#eef0f3}
.cm-journeys td.n{text-align:right;font-variant-numeric:tabular-nums}
.cm-journeys a{font-family:monospace}
.cm-journeys td>span{white-space:nowrap}
.cm-ok{color:#2e7d32;font-weight:bold}.cm-bad{color:#c62828;font-weight:bold}
.cm-journeys .cm-first{color:#52606d;font-size:12px;margin-top:3px}
.cm-error{color:#c62828}.cm-warning{color:#a15c00}.cm-info{color:#1565c0}.cm-zero{color:#7b8794}
.cm-errors{margin:10px 16px;padding:12px 16px;background:#fff;border:2px solid #c62828;
 border-radius:8px;font:14px Helvetica,Arial,"Liberation Sans",sans-serif;color:#1f2933}
.cm-errors h2{font-size:17px;margin:0 0 4px;color:#c62828}
.cm-errors>p{margin:0 0 8px;color:#52606d;font-size:13px}
.cm-errors ol{margin:0;padding-left:20px}
.cm-errors li{margin:8px 0}
.cm-errors .cm-hint{color:#52606d;font-size:13px;margin-top:2px}
.cm-errors pre{background:#f8f9fb;border:1px solid #e1e4e8;border-radius:4px;padding:6px 0;
 margin:6px 0 0;overflow:auto;font-size:12.5px;line-height:1.45}
.cm-errors pre span{display:block;padding:0 10px;white-space:pre}
.cm-errors pre .cm-at{background:#fdecea}
.cm-errors pre .cm-caret{color:#c62828;font-weight:bold}
.cm-stale>header,.cm-stale>.map,.cm-stale>main{opacity:.4;filter:grayscale(1)}
"""

SCRIPT_LIVE = (
    """
(function () {
  'use strict';
  function meta(name) {
    var element = document.querySelector('meta[name="cyclemap-' + name + '"]');
    return element ? element.getAttribute('content') : '';
  }
  var version = parseInt(meta('version'), 10) || 0;
  var page = meta('page');
  var badge = document.getElementById('cm-live');
  function state(name) {
    if (!badge) { return; }
    badge.textContent = badge.getAttribute('data-' + name);
    badge.className = 'cm-live ' + name;
  }
  var events = new EventSource('"""
    + ASSETS
    + """/events');
  function reload() { events.close(); window.location.reload(); }
  events.addEventListener('hello', function (event) {
    state('on');
    if (JSON.parse(event.data).version > version) { reload(); }
  });
  events.addEventListener('change', function (event) {
    var data = JSON.parse(event.data);
    if (data.version <= version) { return; }
    if (!page || data.changed.indexOf(page) >= 0) { reload(); } else { version = data.version; }
  });
  events.onerror = function () { state('off'); };
})();
"""
)

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self' 'sha256-{}'".format(
            base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
        ),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
"""Scripts: the server's own file and the page's own inline script, by its hash; nothing is
loaded from anywhere else, and no other script runs even if some text escaped its escaping."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def journey_href(key: str) -> str:
    return JOURNEY + quote(key, safe="/")


def _head(version: int, page: str, title: str) -> str:
    """What the server adds to a page's head: which page and version it is, and its assets."""
    return (
        f'<meta name="cyclemap-version" content="{version}">\n'
        f'<meta name="cyclemap-page" content="{_e(page)}">\n'
        f'<link rel="stylesheet" href="{ASSETS}/live.css">\n'
        '<link rel="icon" href="data:,">\n'  # no request for a /favicon.ico
        + (f"<title>{_e(title)}</title>\n" if title else "")
    )


def _bar(site: Site, shown: str) -> str:
    home, live = _("all journeys"), _("live")
    off, connecting = _("disconnected: is the server still running?"), _("connecting…")
    return (
        f'<nav class="cm-bar"><a href="/">{_e(home)}</a>'
        f'<span class="cm-file">{_e(one_line(shown))}</span>'
        f'<span class="cm-live" id="cm-live" data-on="{_e(live)}" data-off="{_e(off)}">'
        f"{_e(connecting)}</span></nav>\n"
    )


SCRIPT_TAG = f'<script src="{ASSETS}/live.js"></script>\n'


def _standalone(site: Site, page: str, title: str, shown: str, body: str) -> str:
    """A page of the server's own: the index, or a file with no valid version to show."""
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'{_head(site.version, page, title)}</head>\n<body class="cm-index">\n'
        f"{_bar(site, shown)}{body}{SCRIPT_TAG}</body>\n</html>\n"
    )


# -- the index ----------------------------------------------------------------------------


def _findings_cell(entry: Entry) -> str:
    if entry.status is not Status.VALID:
        return ""
    if not entry.findings:
        none = _("no findings")
        return f'<span class="cm-ok">{_e(none)}</span>'
    # Only a count above zero takes its severity's colour: "0 errors" in red reads as an alarm.
    return " · ".join(
        f'<span class="cm-{severity.value if entry.count(severity) else "zero"}">'
        f"{_e(severity_count(severity, entry.count(severity)))}</span>"
        for severity in Severity
    )


def _status_cell(entry: Entry) -> str:
    if entry.status is Status.VALID:
        valid = _("valid")
        return f'<span class="cm-ok">{_e(valid)}</span>'
    if entry.status is Status.UNREADABLE:
        unreadable = _("unreadable")
        return f'<span class="cm-bad">{_e(unreadable)}</span>'
    count = len(entry.problems)
    first = (
        f'<div class="cm-first">{_e(one_line(_where(entry.problems[0]), limit=80))}: '
        f"{_e(one_line(entry.problems[0].message, limit=LINE_LIMIT))}</div>"
        if entry.problems
        else ""
    )
    label = ngettext("invalid: {count} problem", "invalid: {count} problems", count).format(
        count=number(count)
    )
    return f'<span class="cm-bad">{_e(label)}</span>{first}'


def index_page(site: Site) -> str:
    entries = list(site.entries.values())
    rows = "".join(
        f'<tr class="cm-{_e(entry.status.value)}"><td><a href="{_e(journey_href(entry.key))}">'
        f"{_e(one_line(entry.key))}</a></td><td>{_e(one_line(entry.name) or '—')}</td>"
        f"<td>{_status_cell(entry)}</td><td>{_findings_cell(entry)}</td>"
        f'<td class="n">{_e(percent(entry.success) if entry.success is not None else "")}</td>'
        "</tr>"
        for entry in entries
    )
    valid = sum(1 for entry in entries if entry.status is Status.VALID)
    summary = _("{valid} of {total} valid").format(valid=number(valid), total=number(len(entries)))
    head = "".join(
        f"<th>{_e(text)}</th>"
        for text in (_("file"), _("journey"), _("status"), _("findings"), _("reach success"))
    )
    empty = _("No journey file here yet: write one (cyclemap init) and save it.")
    table = (
        f'<table class="cm-journeys"><tr>{head}</tr>{rows}</table>'
        if entries
        else f"<p>{_e(empty)}</p>"
    )
    root = one_line(site.root)
    heading, live = _("Journeys"), _("the page updates by itself when a file is saved")
    body = (
        f'<main class="cm-main"><h1>{_e(heading)}</h1>'
        f'<p class="cm-sub">{_e(root)} · {_e(summary)} · {_e(live)}</p>{table}</main>\n'
    )
    return _standalone(site, "", _("Journeys — cyclemap"), root, body)


# -- a journey's page ---------------------------------------------------------------------


def _where(problem: Problem) -> str:
    if problem.line:
        return f"{problem.file}:{problem.line}:{problem.column}"
    return problem.file


def _excerpt(site: Site, problem: Problem) -> str:
    """The lines around a problem, its own marked, a caret under its column."""
    lines = site.source_lines(problem.file)
    if not lines or not 1 <= problem.line <= len(lines):
        return ""
    first = max(1, problem.line - CONTEXT_LINES)
    last = min(len(lines), problem.line + CONTEXT_LINES)
    width = len(str(last))
    shown = []
    for line in range(first, last + 1):
        text = one_line(lines[line - 1], limit=LINE_LIMIT)
        marked = ' class="cm-at"' if line == problem.line else ""
        shown.append(f"<span{marked}>{line:>{width}} │ {_e(text)}</span>")
        if line == problem.line and problem.column >= 1:
            column = min(problem.column, len(text) + 1)
            shown.append(f'<span class="cm-caret">{" " * width} │ {" " * (column - 1)}^</span>')
    return f"<pre>{''.join(shown)}</pre>"


def _problems(site: Site, entry: Entry, failure: str, has_map: bool) -> str:
    if failure:
        heading = _("The map of this version could not be drawn")
        items = f"<li>{_e(one_line(failure))}</li>"
    elif entry.status is Status.UNREADABLE:
        heading = _("This file cannot be read")
        items = f"<li>{_e(one_line(entry.note))}</li>"
    else:
        count = len(entry.problems)
        heading = ngettext(
            "This version does not validate: {count} problem",
            "This version does not validate: {count} problems",
            count,
        ).format(count=number(count))
        error, hint = _("error"), _("hint: {hint}")
        items = "".join(
            f'<li><code>{_e(one_line(_where(problem)))}</code>: <b class="cm-error">'
            f"{_e(error)}</b>: {_e(one_line(problem.message))}"
            + (
                f'<div class="cm-hint">{_e(hint.format(hint=one_line(problem.hint)))}</div>'
                if problem.hint
                else ""
            )
            + f"{_excerpt(site, problem)}</li>"
            for problem in entry.problems
        )
    note = (
        _(
            "Below, the map of the last valid version, dimmed. Fix the file and save it: "
            "this page updates by itself."
        )
        if has_map
        else _(
            "No valid version of this file has been seen yet. Fix the file and save it: "
            "this page updates by itself."
        )
    )
    return (
        f'<section class="cm-errors" role="alert"><h2>{_e(heading)}</h2><p>{_e(note)}</p>'
        f"<ol>{items}</ol></section>\n"
    )


def journey_page(site: Site, entry: Entry) -> str:
    """The journey's page: the current map, or the problems over the last valid map."""
    drawn, current, failure = site.drawn(entry.key)
    shown = one_line(entry.key)
    if current and drawn is not None:
        return _spliced(site, entry, drawn, "")
    errors = _problems(site, entry, failure, drawn is not None)
    if drawn is None:
        title = _("{file} — cyclemap").format(file=entry.key)
        return _standalone(site, entry.key, title, shown, errors)
    return _spliced(site, entry, drawn, errors)


def _spliced(site: Site, entry: Entry, page: str, errors: str) -> str:
    """`page` with the server's head, bar, problems and script added. The page escapes all of
    its text, so its first `<head>` and `<body>` and its last `</body>` are its own tags."""
    before, tag, rest = page.partition("<head>\n")
    page = before + tag + _head(site.version, entry.key, "") + rest
    before, tag, rest = page.partition("<body>\n")
    body = '<body class="cm-stale">\n' if errors else tag
    page = before + body + _bar(site, one_line(entry.key)) + errors + rest
    before, tag, rest = page.rpartition("</body>")
    return before + SCRIPT_TAG + tag + rest


def not_found_page(site: Site) -> str:
    heading, why = _("Not found"), _("This server shows only the journeys listed on its index.")
    body = f'<main class="cm-main"><h1>{_e(heading)}</h1><p class="cm-sub">{_e(why)}</p></main>\n'
    return _standalone(site, "", _("Not found — cyclemap"), "", body)


def event(name: str, data: dict[str, object]) -> str:
    """One server-sent event."""
    return f"event: {name}\ndata: {json.dumps(data, sort_keys=True)}\n\n"
