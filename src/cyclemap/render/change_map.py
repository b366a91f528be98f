"""The change map (`compare --format svg|png|html`): the later version's blueprint with each
step and transition coloured by the change in the customers passing through it: more, fewer,
new, or the same; what the change removed is listed under the legend.

The figures are the flow model's (`reached` for a step, customers moving along a transition),
the same `stats` and `compare` show. Colours are Paul Tol's colour-blind-safe "vibrant" set for
lines and pale tints of it for fills, so gained and lost never hinge on red against green.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from cyclemap.analysis.compare import JourneyChange
from cyclemap.errors import UsageError
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import FlowError, FlowModel, flow_model
from cyclemap.util.i18n import _, document_language
from cyclemap.util.numbers import customers, number

MINUS = "-"


def signed(value: float, shown: Callable[[float], str]) -> str:
    """A change with its sign (`+27`, `-120`)."""
    return ("+" if value >= 0 else MINUS) + shown(abs(value))


GAINED = ("#0077bb", "#cde3f3")
LOST = ("#ee7733", "#fbdcc6")
NEW = ("#009988", "#c4ebe6")
SAME = ("#9e9e9e", "#ffffff")
REMOVED = "#757575"
TOLERANCE = 0.0005
"""A change smaller than this share of the customers entering is drawn as no change."""


def _flows(graph: JourneyGraph | None) -> FlowModel | None:
    if graph is None:
        return None
    try:
        return flow_model(graph)
    except FlowError:
        return None


def _moving(model: FlowModel | None, source: str, target: str) -> float | None:
    if model is None or source not in model.graph or target not in model.graph:
        return None
    return model.steps[source].visits * model.transition(source, target)


def _kind(before: float | None, after: float, scale: float) -> tuple[str, str]:
    """(line colour, fill) for a figure before → after."""
    if before is None:
        return NEW
    if after - before > TOLERANCE * scale:
        return GAINED
    if before - after > TOLERANCE * scale:
        return LOST
    return SAME


def _lost_at(model: FlowModel, node: str) -> float:
    """Customers lost at a step: abandoning there, stuck there, or ending at it when it is a
    `failure` or `abandoned` outcome (as `stats` counts them)."""
    return model.steps[node].lost


def _passing(model: FlowModel, node: str) -> float:
    """Customers who pass a step, each counted once (its visits inside a loop tangle too
    large to count them)."""
    flow = model.steps[node]
    return flow.reached if flow.reached is not None else flow.visits


def render_change_map(change: JourneyChange, output_format: str, against: str = "") -> bytes:
    """The change map of one journey as `svg`, `png` or `html`; `against`: what the earlier
    version is, as the subtitle says it. Drawn in the journey's own language when it names
    one, as `render` draws its maps."""
    graph = change.after_graph
    assert graph is not None
    with document_language(graph.journey.document.journey.language):
        return _drawn(change, graph, output_format, against)


def _drawn(change: JourneyChange, graph: JourneyGraph, output_format: str, against: str) -> bytes:
    from cyclemap.render.blueprint import build_blueprint
    from cyclemap.render.blueprint_dot import add_titles, to_blueprint_dot
    from cyclemap.render.layout import DEFAULT_TIMEOUT, run_dot

    old, new = _flows(change.before_graph), _flows(graph)
    scale = new.scale if new is not None else 1.0
    blueprint = build_blueprint(graph, [])
    ordered = list(graph.in_file_order(graph.step_ids))
    own = len(graph.own_steps)

    def step_of(hook: str) -> str:
        kind, number_text = hook.split("-", 1)
        return ordered[int(number_text) + (own if kind == "link" else 0)]

    def amount(value: float) -> str:
        return customers(value) if new is not None and new.by_volume else number(value, 2)

    boxes = []
    for box in blueprint.boxes:
        node = step_of(box.hook)
        after = _passing(new, node) if new is not None else 0.0
        known = old is not None and node in old.graph
        before = _passing(old, node) if old is not None and known else None
        _line, fill = _kind(before, after, scale)
        figures = (
            _("new: {after}").format(after=amount(after))
            if before is None
            else f"{amount(before)} → {amount(after)}"
        )
        # A step can keep its customers and still lose fewer (or more) of them: say so.
        lost_after = _lost_at(new, node) if new is not None else 0.0
        lost_before = _lost_at(old, node) if old is not None and known else 0.0
        if abs(lost_after - lost_before) > TOLERANCE * scale:
            # The change of the figures as `compare` prints them (whole customers).
            if new is not None and new.by_volume:
                lost_after, lost_before = round(lost_after), round(lost_before)
            change_lost = signed(lost_after - lost_before, amount)
            figures += " · " + _("lost {change}").format(change=change_lost)
        boxes.append(replace(box, fill=fill, figures=figures))
    lines = []
    for line in blueprint.lines:
        source, target = step_of(line.source), step_of(line.target)
        after = _moving(new, source, target) or 0.0
        existed = change.before_graph is not None and (
            source in change.before_graph
            and change.before_graph.transition(source, target) is not None
        )
        before = _moving(old, source, target) if existed else None
        colour, _fill = _kind(before, after, scale)
        # Only the change, and only where there is one: arrows have little room for words.
        label = ""
        if before is None:
            label = _("new")
        elif colour != SAME[0]:
            label = signed(after - before, amount)
        lines.append(replace(line, colour=colour, label=label))
    # Ids as they are (a drawing has no code font to set them apart with backticks).
    removed = [step.step for step in change.steps if step.change == "removed"]
    removed += [
        f"{item.source} → {item.target}"
        for item in change.transitions
        if item.change == "removed"
    ]
    heading = (
        _("customers per period, before → after (steps: each customer once; arrows: each move):")
        if new is not None and new.by_volume
        else _(
            "per customer entering, before → after (steps: each customer once; arrows: each move):"
        )
    )
    legend: tuple[tuple[str, str, str], ...] = (
        ("words", "#263238", heading),
        ("fill", GAINED[1], _("more customers pass")),
        ("fill", LOST[1], _("fewer customers pass")),
        ("fill", NEW[1], _("new step")),
        ("fill", SAME[1], _("no change")),
        ("arrow", GAINED[0], _("more customers move along")),
        ("arrow", LOST[0], _("fewer")),
        ("arrow", NEW[0], _("new transition")),
        ("arrow", SAME[0], _("no change")),
        ("words", "#263238", _("lost ±N: change in the customers lost at the step")),
    )
    if removed:
        legend += (("words", REMOVED, _("removed: {items}").format(items=", ".join(removed))),)
    blueprint = replace(
        blueprint,
        boxes=tuple(boxes),
        lines=tuple(lines),
        change_legend=legend,
        subtitle=_("change map against {against}: what the change does to the customers").format(
            against=against or (change.before.journey if change.before else "—")
        ),
    )
    source = to_blueprint_dot(blueprint, findings=False)
    drawn = "svg" if output_format == "html" else output_format
    data = run_dot(source, drawn, timeout=DEFAULT_TIMEOUT, positioned=True)
    if drawn == "svg":
        data = add_titles(data, blueprint)
    if output_format == "html":
        from cyclemap.render.html import overview_html

        return overview_html(graph, data, blueprint.subtitle).encode("utf-8")
    return data


CHANGE_FORMATS = ("svg", "png", "html")


def planned_change_maps(
    changes: Iterable[JourneyChange], output_format: str, output: str | None, against: str = ""
) -> list[tuple[Path | None, bytes]]:
    """The change map of every journey that changed, rendered, with where it goes: beside the
    journey (`NAME.change.svg`), into the file `output` (one journey), or standard output
    (`-`). Nothing is written here."""
    drawn = [
        change
        for change in changes
        if change.after_graph is not None and change.status != "unchanged"
    ]
    if output is not None and len(drawn) > 1:
        raise UsageError(
            _("{count} journeys changed: leave out -o to draw each beside its journey").format(
                count=len(drawn)
            )
        )
    planned: list[tuple[Path | None, bytes]] = []
    for change in drawn:
        assert change.after_graph is not None
        data = render_change_map(change, output_format, against)
        if output == "-":
            planned.append((None, data))
        elif output is not None:
            planned.append((Path(output), data))
        else:
            source = change.after_graph.journey.path
            stem = source.name.rsplit(".", 1)[0]
            planned.append((source.with_name(f"{stem}.change.{output_format}"), data))
    return planned
