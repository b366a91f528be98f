"""The journey graph: shares, edge probabilities, handoffs, reachability and the flow."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from cyclemap.format.model import Step, normalised_shares
from cyclemap.graph import JourneyGraph
from cyclemap.graph.flow_model import TrappedError, flow_model
from cyclemap.loading import load_journey

Write = Callable[..., Path]

HEADER = """\
    cyclemap: 1
    journey: {id: graph, name: Grafo}
    channels:
      phone: {kind: voice}
      web: {kind: web}
    teams:
      support: {}
      billing: {}
    stages:
      - {id: contact, name: Contacto}
    steps:
"""

CHAIN = (
    HEADER
    + """\
      - id: call
        stage: contact
        channel: phone
        team: support
        entry: {volume: 1000}
        abandon: 0.2
        next:
          - {to: chat, share: 3}
          - {to: bill, share: 1, context: lost, reason: Cobro duplicado}
      - {id: chat, stage: contact, channel: web, team: support, next: [{to: done}]}
      - {id: bill, stage: contact, channel: phone, team: billing, next: [{to: done}]}
      - {id: done, stage: contact, outcome: success}
      - {id: orphan, stage: contact, team: billing, next: [{to: done}]}
    """
)


def graph_of(write: Write, text: str) -> JourneyGraph:
    return JourneyGraph(load_journey(write(text)))


def shares(*given: float | None) -> list[float]:
    step = Step.model_validate(
        {
            "id": "here",
            "stage": "contact",
            "next": [
                {"to": f"t{i}", **({"share": share} if share is not None else {})}
                for i, share in enumerate(given)
            ],
        }
    )
    return normalised_shares(step)


def test_shares_are_normalised() -> None:
    assert shares(70, 30) == pytest.approx([0.7, 0.3])
    assert shares(0.7, 0.3) == pytest.approx([0.7, 0.3])
    assert shares(1, 1, 2) == pytest.approx([0.25, 0.25, 0.5])


def test_missing_shares_count_as_the_mean_of_the_given_ones() -> None:
    assert shares(0.7, None) == pytest.approx([0.5, 0.5])
    assert shares(2, None, 4) == pytest.approx([2 / 9, 3 / 9, 4 / 9])
    assert shares(None, 60, 20) == pytest.approx([1 / 3, 1 / 2, 1 / 6])


def test_no_shares_split_equally_and_no_next_gives_nothing() -> None:
    assert shares(None, None, None) == pytest.approx([1 / 3] * 3)
    assert shares() == []


def test_edge_probability_is_what_does_not_abandon_times_the_share(write: Write) -> None:
    graph = graph_of(write, CHAIN)
    to_chat, to_bill = graph.transition("call", "chat"), graph.transition("call", "bill")
    assert to_chat is not None and to_bill is not None
    assert to_chat.share == pytest.approx(0.75)
    assert to_chat.probability == pytest.approx(0.8 * 0.75)
    assert to_bill.share == pytest.approx(0.25)
    assert to_bill.probability == pytest.approx(0.8 * 0.25)
    assert to_chat.share_given and to_bill.share_given
    chat_done = graph.transition("chat", "done")
    assert chat_done is not None
    assert not chat_done.share_given
    assert chat_done.probability == 1.0
    assert (to_chat.position, to_bill.position) == (0, 1)
    assert graph.transition("chat", "call") is None


def test_handoff_and_channel_switch_flags(write: Write) -> None:
    graph = graph_of(write, CHAIN)

    def flags(source: str, target: str) -> tuple[bool, bool]:
        edge = graph.transition(source, target)
        assert edge is not None
        return edge.handoff, edge.channel_switch

    assert flags("call", "chat") == (False, True)  # same team, phone -> web
    assert flags("call", "bill") == (True, False)  # support -> billing, phone -> phone
    assert flags("bill", "done") == (False, False)  # `done` has neither team nor channel
    assert flags("chat", "done") == (False, False)


def test_edge_keeps_context_reason_and_its_location(write: Write) -> None:
    graph = graph_of(write, CHAIN)
    to_bill, to_chat = graph.transition("call", "bill"), graph.transition("call", "chat")
    assert to_bill is not None and to_chat is not None
    assert (to_bill.context, to_bill.reason) == ("lost", "Cobro duplicado")
    assert (to_bill.line, to_bill.column) == (20, 9)
    assert to_chat.context is None


def test_nodes_carry_the_step(write: Write) -> None:
    graph = graph_of(write, CHAIN)
    call = graph.step("call")
    assert (call.index, call.team, call.channel, call.volume) == (0, "support", "phone", 1000)
    assert (call.line, call.column) == (12, 5)
    assert graph.step("done").outcome == "success"
    assert graph.id == "graph"
    assert list(graph.step_ids) == ["call", "chat", "bill", "done", "orphan"]
    assert len(graph) == 5 and "orphan" in graph and "nowhere" not in graph


def test_steps_and_transitions_are_frozen_slotted_records(write: Write) -> None:
    """Rules read typed fields; nobody can change the graph under another rule's feet."""
    graph = graph_of(write, CHAIN)
    step, edge = graph.step("call"), graph.transition("call", "chat")
    assert edge is not None
    for record in (step, edge):
        assert not hasattr(record, "__dict__")  # slotted: no stray attributes
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.line = 1  # type: ignore[misc]


def test_neighbours_in_both_directions(write: Write) -> None:
    graph = graph_of(write, CHAIN)
    assert list(graph.successors("call")) == ["chat", "bill"]
    assert list(graph.predecessors("done")) == ["chat", "bill", "orphan"]
    assert [edge.target for edge in graph.transitions_from("call")] == ["chat", "bill"]
    assert [edge.source for edge in graph.transitions_to("done")] == ["chat", "bill", "orphan"]
    assert [(edge.source, edge.target) for edge in graph.transitions()] == [
        ("call", "chat"),
        ("call", "bill"),
        ("chat", "done"),
        ("bill", "done"),
        ("orphan", "done"),
    ]
    assert list(graph.successors("done")) == [] and list(graph.predecessors("call")) == []


def test_a_networkx_copy_for_analyses_of_ones_own(write: Write) -> None:
    """The same steps, transitions and fields as the typed graph, in networkx's terms."""
    import networkx as nx

    graph = graph_of(write, CHAIN)
    copy = graph.to_networkx()
    assert isinstance(copy, nx.DiGraph)
    assert list(copy.nodes) == list(graph.step_ids)
    assert list(copy.edges) == [(edge.source, edge.target) for edge in graph.transitions()]
    assert copy.nodes["call"]["team"] == "support" and copy.nodes["call"]["volume"] == 1000
    assert copy.edges["call", "bill"]["context"] == "lost"
    assert copy.edges["call", "chat"]["probability"] == pytest.approx(0.8 * 0.75)
    assert copy.graph["journey"] == "graph"
    assert sorted(map(sorted, nx.weakly_connected_components(copy))) == [
        ["bill", "call", "chat", "done", "orphan"]
    ]


def test_shared_queries(write: Write) -> None:
    graph = graph_of(write, CHAIN)
    assert graph.entries == ["call"]
    assert graph.successes == ["done"]
    assert graph.reachable == {"call", "chat", "bill", "done"}
    assert graph.reaching_success == {"call", "chat", "bill", "done", "orphan"}
    assert [(edge.source, edge.target) for edge in graph.handoffs()] == [("call", "bill")]
    assert graph.entry_order() == {"call": 0, "chat": 1, "bill": 2, "done": 3}
    assert graph.in_file_order(["done", "orphan", "call"]) == ["call", "done", "orphan"]


def test_most_likely_path(write: Write) -> None:
    graph = graph_of(write, CHAIN)
    path, probability = graph.most_likely_path("call", {"done"}) or ([], 0.0)
    assert path == ["call", "chat", "done"]
    assert probability == pytest.approx(0.6)
    assert graph.most_likely_path("done", {"call"}) is None


def test_flow_arrivals_on_a_small_chain_by_hand(write: Write) -> None:
    flow = flow_model(graph_of(write, CHAIN))
    assert flow.by_volume
    # 1000 call; 20% abandon; the other 800 split 3:1 between chat and billing.
    assert flow.arrivals == pytest.approx(
        {"call": 1000, "chat": 600, "bill": 200, "done": 800, "orphan": 0}
    )


def test_flow_per_customer_without_volumes(write: Write) -> None:
    text = CHAIN.replace("entry: {volume: 1000}", "entry: true")
    flow = flow_model(graph_of(write, text))
    assert not flow.by_volume
    assert flow.arrivals == pytest.approx(
        {"call": 1, "chat": 0.6, "bill": 0.2, "done": 0.8, "orphan": 0}
    )


def test_flow_by_volume_needs_every_entry_to_have_one(write: Write) -> None:
    text = CHAIN.replace(
        "team: billing, next: [{to: done}]}\n      - {id: done",
        "team: billing, entry: true, next: [{to: done}]}\n      - {id: done",
    )
    graph = graph_of(write, text)
    assert graph.entries == ["call", "bill"]
    flow = flow_model(graph)
    assert not flow.by_volume
    # Per customer entering, half at each entry; billing also gets a fifth of call's.
    assert flow.arrivals["call"] == pytest.approx(0.5)
    assert flow.arrivals["bill"] == pytest.approx(0.5 + 0.5 * 0.2)


def test_flow_counts_customers_coming_round_a_loop(write: Write) -> None:
    text = (
        HEADER
        + """\
      - {id: ask, stage: contact, entry: {volume: 100}, next: [{to: retry}]}
      - {id: retry, stage: contact, abandon: 0.5, next: [{to: ask}]}
    """
    )
    flow = flow_model(graph_of(write, text))
    # ask = 100 + half of retry, retry = ask: both 200 visits, by the same 100 customers.
    assert flow.arrivals == pytest.approx({"ask": 200, "retry": 200})
    assert flow.step("ask").reached == pytest.approx(100)
    assert flow.step("retry").reached == pytest.approx(100)


def test_flow_is_none_for_a_trapped_loop(write: Write) -> None:
    text = (
        HEADER
        + """\
      - {id: call, stage: contact, entry: {volume: 50}, next: [{to: wait}, {to: done}]}
      - {id: wait, stage: contact, next: [{to: check}]}
      - {id: check, stage: contact, next: [{to: wait}]}
      - {id: done, stage: contact, outcome: success}
    """
    )
    with pytest.raises(TrappedError):
        flow_model(graph_of(write, text))


def test_strongly_connected_components_without_some_steps(write: Write) -> None:
    text = (
        HEADER
        + """\
      - {id: a, stage: contact, entry: true, next: [{to: b}]}
      - {id: b, stage: contact, next: [{to: a}, {to: c}]}
      - {id: c, stage: contact, outcome: success, next: [{to: d}]}
      - {id: d, stage: contact, next: [{to: c}]}
    """
    )
    graph = graph_of(write, text)
    assert graph.strongly_connected_components() == [["a", "b"], ["c", "d"]]
    assert graph.strongly_connected_components(without=["c"]) == [["a", "b"], ["d"]]


def test_most_likely_path_stops_at_the_first_success_and_skips_impossible_moves(
    write: Write,
) -> None:
    text = (
        HEADER
        + """\
      - {id: a, stage: contact, entry: true, next: [{to: b, share: 9}, {to: c, share: 1}]}
      - {id: b, stage: contact, abandon: 1, next: [{to: won}]}
      - {id: c, stage: contact, next: [{to: won}]}
      - {id: won, stage: contact, outcome: success, next: [{to: renewed}]}
      - {id: renewed, stage: contact, outcome: success}
    """
    )
    graph = graph_of(write, text)
    # Through `b` nobody gets on (abandon 1); the path ends at the first success it meets.
    for targets, expected in (
        ({"won", "renewed"}, ["a", "c", "won"]),
        ({"renewed"}, ["a", "c", "won", "renewed"]),
    ):
        found = graph.most_likely_path("a", targets)
        assert found is not None
        assert found[0] == expected
        assert found[1] == pytest.approx(0.1)
    assert graph.most_likely_path("b", {"won"}) is None
    assert graph.most_likely_path("won", {"won"}) == (["won"], 1.0)
