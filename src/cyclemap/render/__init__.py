"""Drawing journeys: the service blueprint's layout (`blueprint`, `grid`, `routing`,
`text_metrics`), one module per target (`blueprint_dot`, `dot`, `mermaid`, `mermaid_journey`,
`html`), Graphviz itself (`layout`), the overviews' view (`view`) and where maps go (`output`).

`render_journey` is the entry point: it audits the journey for highlights, builds the view,
and returns the bytes of the requested format; nothing is written here (`output` plans and
writes the files, atomically, once everything rendered). The drawing modules are imported
when a map is drawn, so the command line starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cyclemap.render.layout import DEFAULT_MEMORY_MIB, DEFAULT_TIMEOUT, RenderError
from cyclemap.util.i18n import _, document_language, ngettext, reader_language

if TYPE_CHECKING:
    from cyclemap.findings import Finding
    from cyclemap.graph import JourneyGraph
    from cyclemap.loading import LoadedJourney
    from cyclemap.render.blueprint import Lanes
    from cyclemap.render.view import Collapse, GroupBy, Observed

FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "mermaid-journey", "html")
SUFFIXES = {
    "svg": ".svg",
    "png": ".png",
    "pdf": ".pdf",
    "dot": ".dot",
    "mermaid": ".mmd",
    "mermaid-journey": ".satisfaction.mmd",
    "html": ".html",
}
TEXT_FORMATS = frozenset({"svg", "dot", "mermaid", "mermaid-journey", "html"})

__all__ = [
    "DEFAULT_MEMORY_MIB",
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "RenderError",
    "RenderOptions",
    "Rendered",
    "render_journey",
]


@dataclass(frozen=True)
class RenderOptions:
    lanes: Lanes = "team"
    """Blueprint lanes: one per team (default) or per channel."""
    collapse: Collapse | None = None
    findings: bool = True
    timeout: float = DEFAULT_TIMEOUT
    width: int | None = None
    """Width in pixels of png (at 96 pixels to the inch for svg and pdf); None: natural size."""
    by: GroupBy = "stage"
    """Subgraphs of the Mermaid flowchart."""
    memory_mib: int = DEFAULT_MEMORY_MIB
    """Bound on the address space of Graphviz's `dot` (MiB): a dense graph can take gigabytes."""


@dataclass(frozen=True)
class Rendered:
    data: bytes
    notes: tuple[str, ...] = ()
    """Things the user should know (steps left out of a journey diagram)."""


def render_journey(
    journey: LoadedJourney,
    output_format: str,
    options: RenderOptions | None = None,
    findings: list[Finding] | None = None,
    observed: Observed | None = None,
) -> Rendered:
    """The map of one valid journey in `output_format` (one of `FORMATS`); `observed` (from
    `Observed.of` a mined log) draws what a log saw over it.

    The map speaks the journey's own `language:` when it has one (unless a language was chosen
    explicitly, `--lang`): a Spanish journey draws a Spanish map on any machine. Errors and
    notes are for the person running cyclemap, in their language."""
    options = options or RenderOptions()
    if output_format not in FORMATS:
        raise RenderError(
            _("unknown map format `{format}`; choose one of {formats}").format(
                format=output_format, formats=", ".join(FORMATS)
            )
        )
    from cyclemap.graph import JourneyGraph

    graph = JourneyGraph(journey)
    if output_format == "mermaid-journey":
        from cyclemap.render.mermaid_journey import left_out, to_mermaid_journey

        missing = left_out(graph)
        if len(missing) == len(graph):
            raise RenderError(  # the command line names the file, once
                _(
                    "no step has a `score`, so there is no journey diagram to draw; add "
                    "`score: 1..5` to the steps customers feel strongly about"
                )
            )
        notes = (
            (
                ngettext(
                    "{file}: left out {count} step with no score: {steps}",
                    "{file}: left out {count} steps with no score: {steps}",
                    len(missing),
                ).format(file=journey.display, count=len(missing), steps=", ".join(missing)),
            )
            if missing
            else ()
        )
        with document_language(journey.document.journey.language):
            drawn = to_mermaid_journey(graph)
        return Rendered(drawn.encode("utf-8"), notes)
    with document_language(journey.document.journey.language):
        return _drawn(graph, output_format, options, findings, observed)


def _drawn(
    graph: JourneyGraph,
    output_format: str,
    options: RenderOptions,
    findings: list[Finding] | None,
    observed: Observed | None,
) -> Rendered:
    """The map, in the language it is drawn in (see `render_journey`)."""
    journey = graph.journey
    if findings is None:
        findings = _findings(journey) if options.findings else []
    if output_format == "mermaid" or options.collapse is not None:
        return _flowchart(graph, output_format, options, findings, observed)
    from cyclemap.render.blueprint import build_blueprint
    from cyclemap.render.blueprint_dot import add_titles, to_blueprint_dot
    from cyclemap.render.layout import run_dot

    blueprint = build_blueprint(graph, findings, lanes_by=options.lanes, observed=observed)
    source = to_blueprint_dot(blueprint, findings=options.findings, width=options.width)
    if output_format == "dot":
        return Rendered(source.encode("utf-8"))
    drawn_as = "svg" if output_format == "html" else output_format
    data = run_dot(
        source, drawn_as, timeout=options.timeout, memory_mib=options.memory_mib, positioned=True
    )
    if drawn_as == "svg":
        data = add_titles(data, blueprint)
    if output_format == "html":
        from cyclemap.render.html import to_html

        shown = findings if options.findings else None
        return Rendered(to_html(graph, blueprint, data, shown).encode("utf-8"))
    return Rendered(data)


def _flowchart(
    graph: JourneyGraph,
    output_format: str,
    options: RenderOptions,
    findings: list[Finding],
    observed: Observed | None,
) -> Rendered:
    """The Mermaid flowchart, and the `--collapse` overviews laid out by Graphviz's dot."""
    from cyclemap.render.view import build_view

    view = build_view(graph, findings, by=options.by, collapse=options.collapse, observed=observed)
    if output_format == "mermaid":
        from cyclemap.render.mermaid import to_mermaid

        return Rendered(to_mermaid(view, findings=options.findings).encode("utf-8"))
    from cyclemap.render.dot import to_dot
    from cyclemap.render.layout import run_dot

    source = to_dot(view, findings=options.findings)
    if output_format == "dot":
        return Rendered(source.encode("utf-8"))
    if output_format == "html":
        from cyclemap.render.html import overview_html

        svg = run_dot(source, "svg", timeout=options.timeout, memory_mib=options.memory_mib)
        return Rendered(overview_html(graph, svg).encode("utf-8"))
    return Rendered(
        run_dot(source, output_format, timeout=options.timeout, memory_mib=options.memory_mib)
    )


def _findings(journey: LoadedJourney) -> list[Finding]:
    from cyclemap.engine import audit_journey
    from cyclemap.engine.config import load_settings

    with reader_language():  # a broken configuration is told to the reader, in theirs
        settings = load_settings(None, start=journey.path)
    return audit_journey(journey, settings)
