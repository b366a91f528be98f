"""`serve`'s application over HTTP, in process (Starlette's test client): the index and the
journey pages say what `validate`, `audit`, `stats` and `render` say; a broken file shows its
problems over the last valid map; and the server refuses what it must (traversal, other
hosts, writes), escapes all journey text and survives the hostile corpus."""

from __future__ import annotations

import json
import re
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyclemap.engine.checking import validate
from cyclemap.render.html import SCRIPT
from tests.conftest import BROKEN_JOURNEY, EXAMPLES, MINIMAL_JOURNEY
from tests.hostile.test_corpus import CASES
from tests.render.test_html import ALLOWED, Page, parse
from tests.support.render import HAS_DOT, HOSTILE, HOSTILE_FRAGMENTS, HOSTILE_TITLE
from tests.support.serve import LOCAL, SERVED, client, repository, site_of

pytestmark = pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")

SERVER_TAGS = {"nav", "a", "link", "pre", "ol", "li", "section", "main", "h1", "h2", "th", "td"}
"""Tags the server adds to a page (the page's own are the render tests' `ALLOWED`)."""


def index_rows(page: Page) -> list[list[str]]:
    """The index table: one row of cell texts per file."""
    rows: list[list[str]] = []
    cell = False
    for kind, tag, data in page.events:
        if kind == "start" and tag == "tr":
            rows.append([])
        elif tag == "td" and kind in ("start", "end"):
            cell = kind == "start"
            if cell:
                rows[-1].append("")
        elif cell and kind == "data":
            rows[-1][-1] += str(data)
    return [row for row in rows if row]


def links(page: Page) -> list[str]:
    return [value for tag, name, value in page.attributes() if tag == "a" and name == "href"]


def markup_is_ours(page: Page) -> None:
    """Only the tags the page and the server write; no handler attribute; scripts: the page's
    own inline one, its data block and the server's file."""
    assert page.errors == []
    assert page.tags <= ALLOWED | SERVER_TAGS, page.tags - (ALLOWED | SERVER_TAGS)
    for tag, name, value in page.attributes():
        assert not name.startswith("on"), (tag, name, value)
        assert not value.lower().lstrip().startswith("javascript:"), (tag, name, value)
    for attributes, text in page.scripts:
        if attributes.get("type") == "application/json":
            continue
        if attributes.get("src"):
            assert attributes == {"src": "/_cyclemap/live.js"}
            assert text == ""
        else:
            assert text == SCRIPT


# --- what the pages say ------------------------------------------------------------------------


def test_the_index_lists_every_example_with_what_validate_and_audit_say() -> None:
    with client(EXAMPLES) as browser:
        answer = browser.get("/")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
        page = parse(answer.text)
        rows = index_rows(page)
        expected = sorted(
            Path(result.file).relative_to("examples").as_posix()
            for result in validate([EXAMPLES]).files
            if result.status.value != "skipped"
        )
        assert [row[0] for row in rows] == expected
        assert all(row[2] == "valid" for row in rows)
        for href in links(page)[1:]:
            assert browser.get(href).status_code == 200, href
        markup_is_ours(page)


def test_the_index_counts_findings_and_success_as_audit_and_stats_do() -> None:
    from typer.testing import CliRunner

    from cyclemap.cli import app

    path = EXAMPLES / "internet-support.journey.yaml"
    audit = CliRunner().invoke(app, ["audit", str(path), "-f", "json"])
    findings = json.loads(audit.stdout)["findings"]
    stats = json.loads(CliRunner().invoke(app, ["stats", str(path), "-f", "json"]).stdout)
    with client(path) as browser:
        rows = index_rows(parse(browser.get("/").text))
    assert len(rows) == 1
    counts = {
        severity: sum(1 for finding in findings if finding["severity"] == severity)
        for severity in ("error", "warning", "info")
    }
    numbers = [int(n) for n in re.findall(r"(\d+) (?:error|warning|info)", rows[0][3])]
    assert numbers == [counts["error"], counts["warning"], counts["info"]]
    success = stats["journeys"][0]["overall"]["endings"]["success"]
    assert rows[0][4] == f"{round(success * 100)}%"


def test_a_journey_page_is_the_render_page_with_the_server_bar(tmp_path: Path) -> None:
    from cyclemap.render import render_journey
    from tests.support.render import load

    root = repository(tmp_path)
    with client(root) as browser:
        answer = browser.get("/journey/internet-support.journey.yaml")
    assert answer.status_code == 200
    served = answer.text
    drawn = render_journey(load(root / SERVED[0]), "html").data.decode("utf-8")
    # The page itself, unchanged, around what the server adds: its head, bar and script.
    added = re.compile(
        r'<meta name="cyclemap-(version|page)"[^>]*>\n|<link [^>]*>\n'
        r'|<nav class="cm-bar">.*?</nav>\n|<script src="/_cyclemap/live.js"></script>\n'
    )
    assert added.sub("", served) == drawn
    page = parse(served)
    markup_is_ours(page)
    assert 'class="map"' in served and "<svg" in served


# --- broken files ------------------------------------------------------------------------------


def test_a_broken_file_shows_its_problems_with_their_lines(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / "demo.journey.yaml"
    path.write_text(textwrap.dedent(BROKEN_JOURNEY), encoding="utf-8")
    with client(tmp_path) as browser:
        index = index_rows(parse(browser.get("/").text))
        assert index[0][2].startswith("invalid: 1 problem")
        answer = browser.get("/journey/demo.journey.yaml")
    assert answer.status_code == 200
    page = parse(answer.text)
    markup_is_ours(page)
    assert any(text.endswith("demo.journey.yaml:9:23") for text in page.text_of("code"))
    excerpt = "".join(page.text_of("span"))
    lines = textwrap.dedent(BROKEN_JOURNEY).splitlines()
    for number in range(7, 12):
        assert f"{number} │ {lines[number - 1]}" in excerpt
    assert " │ " + " " * 22 + "^" in excerpt  # under column 23
    assert "No valid version of this file has been seen yet" in answer.text
    assert "<svg" not in answer.text


def test_a_file_broken_after_a_valid_version_shows_that_map_dimmed(tmp_path: Path) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / "demo.journey.yaml"
    path.write_text(textwrap.dedent(MINIMAL_JOURNEY), encoding="utf-8")
    with client(tmp_path) as browser:
        site = site_of(browser)
        first = browser.get("/journey/demo.journey.yaml").text
        assert "cm-errors" not in first
        path.write_text(textwrap.dedent(BROKEN_JOURNEY), encoding="utf-8")
        assert site.refresh() == ["demo.journey.yaml"]
        broken = browser.get("/journey/demo.journey.yaml").text
        assert '<body class="cm-stale">' in broken
        assert "the map of the last valid version, dimmed" in broken
        assert broken.count("<svg") == 1
        assert "demo.journey.yaml:9:23" in broken
        path.write_text(textwrap.dedent(MINIMAL_JOURNEY).replace("Demo", "Fixed"), "utf-8")
        assert site.refresh() == ["demo.journey.yaml"]
        fixed = browser.get("/journey/demo.journey.yaml").text
        assert "cm-errors" not in fixed and "<h1>Fixed</h1>" in fixed


def test_refresh_tells_only_the_files_that_changed(tmp_path: Path) -> None:
    root = repository(tmp_path)
    with client(root) as browser:
        site = site_of(browser)
        version = site.version
        assert site.refresh() == []
        assert site.version == version
        catalog_free = root / SERVED[1]
        catalog_free.write_text(catalog_free.read_text("utf-8") + "\n# a comment\n", "utf-8")
        assert site.refresh() == [SERVED[1]]
        assert site.version == version + 1
        (root / "new.journey.yaml").write_text(textwrap.dedent(MINIMAL_JOURNEY), "utf-8")
        catalog_free.unlink()
        assert site.refresh() == sorted([SERVED[1], "new.journey.yaml"])
        assert browser.get("/journey/" + SERVED[1]).status_code == 404


def test_catalogs_are_listed_only_when_broken(tmp_path: Path) -> None:
    root = repository(tmp_path)
    catalog = root / "catalog" / "teams.yaml"
    catalog.write_text("cyclemap: 1\nteams: {x: {name: X}}\n", encoding="utf-8")
    with client(root) as browser:
        assert [row[0] for row in index_rows(parse(browser.get("/").text))] == sorted(SERVED)
        catalog.write_text("cyclemap: 1\nteams: {x: {nam: X}}\n", encoding="utf-8")
        assert site_of(browser).refresh() == ["catalog/teams.yaml"]
        rows = index_rows(parse(browser.get("/").text))
        assert rows[0][0] == "catalog/teams.yaml" and rows[0][2].startswith("invalid")
        assert "catalog/teams.yaml:2:" in browser.get("/journey/catalog/teams.yaml").text


@pytest.mark.slow  # waits for the watcher
def test_a_file_written_before_the_watcher_starts_is_seen(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from cyclemap.serve.app import create_app
    from cyclemap.serve.site import Site

    root = repository(tmp_path)
    application = create_app(Site(root), watch=True)  # checked once, not watching yet
    (root / "late.journey.yaml").write_text(textwrap.dedent(MINIMAL_JOURNEY), "utf-8")
    with TestClient(application, base_url=LOCAL) as browser:  # the watcher starts
        for _attempt in range(100):
            if "late.journey.yaml" in browser.get("/").text:
                break
            time.sleep(0.1)
        rows = index_rows(parse(browser.get("/").text))
    assert "late.journey.yaml" in [row[0] for row in rows]


def test_a_broken_configuration_is_shown_on_each_journey(tmp_path: Path) -> None:
    root = repository(tmp_path)
    (root / "cyclemap.toml").write_text("select = [\n", encoding="utf-8")
    with client(root) as browser:
        rows = index_rows(parse(browser.get("/").text))
        assert all(row[2].startswith("invalid") for row in rows)
        assert "cyclemap.toml" in browser.get("/journey/" + SERVED[0]).text


# --- safety ------------------------------------------------------------------------------------

OUTSIDE = "cyclemap: 1\njourney: {id: outside, name: SECRET-OUTSIDE}\n"


@pytest.fixture
def guarded(tmp_path: Path) -> Any:
    """A served root beside a secret journey and file, with symlinks leading out to them."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.journey.yaml").write_text(
        textwrap.dedent(MINIMAL_JOURNEY).replace("Demo", "SECRET-OUTSIDE"), encoding="utf-8"
    )
    (outside / "passwd").write_text("SECRET-OUTSIDE\n", encoding="utf-8")
    root = repository(tmp_path / "root")
    (root / "linked.journey.yaml").symlink_to(outside / "secret.journey.yaml")
    (root / "folder").symlink_to(outside, target_is_directory=True)
    with client(root) as browser:
        yield browser


TRAVERSALS = [
    "/journey/../outside/passwd",
    "/journey/..%2Foutside%2Fpasswd",
    "/journey/%2e%2e/outside/passwd",
    "/journey/%2E%2E%2Foutside%2Fsecret.journey.yaml",
    "/journey/%252e%252e%252foutside%252fpasswd",
    "/journey/..%5Coutside%5Cpasswd",
    "/journey/..\\outside\\passwd",
    "/journey//etc/passwd",
    "/journey/%2Fetc%2Fpasswd",
    "/journey/" + str(Path("/etc/passwd")),
    "/journey/linked.journey.yaml",
    "/journey/folder/secret.journey.yaml",
    "/journey/folder/passwd",
    "/journey/./internet-support.journey.yaml/../../outside/passwd",
    "/journey/cyclemap.toml",
    "/journey/",
    "/../outside/passwd",
    "/%2e%2e/outside/passwd",
    "/_cyclemap/../outside/passwd",
    "/_cyclemap/live.js/../../outside/passwd",
    "/etc/passwd",
    "/internet-support.journey.yaml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_outside_the_index_are_not_found(guarded: Any, path: str) -> None:
    import httpx2

    # The raw path, as a hostile client sends it (httpx would otherwise tidy `..` away).
    url = httpx2.URL(LOCAL + "/").copy_with(raw_path=path.encode("latin-1"))
    answer = guarded.get(url)
    assert answer.status_code == 404, (path, answer.status_code)
    assert "SECRET-OUTSIDE" not in answer.text


def test_symlinks_leading_out_are_not_listed(guarded: Any) -> None:
    text = guarded.get("/").text
    assert "SECRET-OUTSIDE" not in text and "linked" not in text and "folder/" not in text
    assert [row[0] for row in index_rows(parse(text))] == sorted(SERVED)


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.evil.example", ""],
)
def test_other_host_names_are_refused(tmp_path: Path, host: str) -> None:
    with client(repository(tmp_path)) as browser:
        for path in ("/", "/journey/" + SERVED[0], "/_cyclemap/live.js"):
            answer = browser.get(path, headers={"Host": host})
            assert answer.status_code == 400, (host, path)
            assert "Soporte" not in answer.text
            assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost:1", "[::1]:80"])
def test_loopback_names_are_served(tmp_path: Path, host: str) -> None:
    with client(repository(tmp_path)) as browser:
        assert browser.get("/", headers={"Host": host}).status_code == 200


def test_the_bound_name_is_served_too(tmp_path: Path) -> None:
    with client(repository(tmp_path), host="192.0.2.7") as browser:
        assert browser.get("/", headers={"Host": "192.0.2.7:8000"}).status_code == 200
        assert browser.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_every_answer_has_the_security_headers(tmp_path: Path) -> None:
    with client(repository(tmp_path)) as browser:
        for path in ("/", "/journey/" + SERVED[0], "/_cyclemap/live.css", "/nothing"):
            headers = browser.get(path).headers
            assert headers["x-content-type-options"] == "nosniff"
            policy = dict(
                part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";")
            )
            assert policy["default-src"] == "'none'"
            assert "'unsafe-inline'" not in policy["script-src"]
            assert "'unsafe-eval'" not in policy["script-src"]
            assert policy["frame-ancestors"] == "'none'"


def test_the_page_script_is_allowed_by_its_hash(tmp_path: Path) -> None:
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    with client(repository(tmp_path)) as browser:
        policy = browser.get("/").headers["content-security-policy"]
    assert f"'sha256-{digest}'" in policy


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_nothing_can_be_written(tmp_path: Path, method: str) -> None:
    root = repository(tmp_path)
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    with client(root) as browser:
        for path in ("/", "/journey/" + SERVED[0], "/_cyclemap/events"):
            answer = browser.request(method, path, content=b"cyclemap: 1\n")
            assert answer.status_code == 405, (method, path)
            assert answer.headers["allow"] == "GET, HEAD"
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before


# --- hostile input -----------------------------------------------------------------------------


def test_hostile_names_are_only_text_on_the_index_and_the_page(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "cyclemap.toml").write_text("", encoding="utf-8")
    name = '<img src=x onerror="alert(1)">&amp;.journey.yaml'
    (root / name).write_bytes(HOSTILE.read_bytes())
    with client(root) as browser:
        index = browser.get("/")
        page = parse(index.text)
        markup_is_ours(page)
        assert [row[0] for row in index_rows(page)] == [name]
        assert index_rows(page)[0][1] == HOSTILE_TITLE
        (href,) = links(page)[1:]
        journey = browser.get(href)
        assert journey.status_code == 200
        parsed = parse(journey.text)
        markup_is_ours(parsed)
        assert parsed.text_of("h1") == [HOSTILE_TITLE]
        for _tag, attribute, value in parsed.attributes():
            for fragment in HOSTILE_FRAGMENTS:
                assert fragment not in value or attribute == "content", (attribute, value)


def _corpus_file(tmp_path: Path, write: Callable[[Path], None]) -> Path:
    """The case in a repository of its own, served as one file (a folder would skip the files
    that are not journeys at all, as `validate` does)."""
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    write(tmp_path / "case.journey.yaml")
    return tmp_path / "case.journey.yaml"


def test_a_fifo_or_a_huge_file_never_blocks_the_server(tmp_path: Path) -> None:
    import os
    import threading

    root = repository(tmp_path)
    os.mkfifo(root / "pipe.journey.yaml")
    with open(root / "huge.journey.yaml", "wb") as handle:  # sparse: takes no disk
        handle.write(b"cyclemap: 1\n# ")
        handle.seek(64 * 2**20)
        handle.write(b"\n")
    answers: list[int] = []
    rows: dict[str, str] = {}

    def visit() -> None:  # in a thread: a hang fails the test instead of stopping the suite
        with client(root) as browser:
            site_of(browser).refresh()
            for path in ("/", "/journey/huge.journey.yaml", "/journey/pipe.journey.yaml"):
                answers.append(browser.get(path).status_code)
            rows.update((row[0], row[2]) for row in index_rows(parse(browser.get("/").text)))

    worker = threading.Thread(target=visit, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the server hangs on a FIFO or a huge file"
    assert answers[:2] == [200, 200]
    assert rows["huge.journey.yaml"].startswith("invalid")


@pytest.mark.slow  # a few big files
@pytest.mark.parametrize(
    ("write", "code"), [case[1:3] for case in CASES], ids=[case[0] for case in CASES]
)
def test_the_hostile_corpus_never_stops_the_server(
    tmp_path: Path, write: Callable[[Path], None], code: int
) -> None:
    root = _corpus_file(tmp_path, write)
    with client(root) as browser:
        index = browser.get("/")
        assert index.status_code == 200
        markup_is_ours(parse(index.text))
        rows = index_rows(parse(index.text))
        assert [row[0] for row in rows] == ["case.journey.yaml"]
        assert rows[0][2].startswith("valid" if code == 0 else ("invalid", "unreadable"))
        page = browser.get("/journey/case.journey.yaml")
        assert page.status_code == 200
        markup_is_ours(parse(page.text))
        assert ("cm-errors" in page.text) is (code != 0)
        assert browser.get("/").status_code == 200  # still serving


def test_the_pages_speak_the_chosen_language(tmp_path: Path) -> None:
    from cyclemap.util.i18n import chosen_language

    root = repository(tmp_path)
    (root / "demo.journey.yaml").write_text(textwrap.dedent(BROKEN_JOURNEY), encoding="utf-8")
    with chosen_language("es"):
        browser = client(root)
    with browser:
        index = parse(browser.get("/").text)
        assert index.text_of("h1") == ["Recorridos"]
        assert [row[2] for row in index_rows(index)] == [
            "inválido: 1 problema" + index_rows(index)[0][2].split("problema", 1)[1],
            "válido",
            "válido",
        ]
        broken = browser.get("/journey/demo.journey.yaml").text
        assert "Esta versión no pasa la validación: 1 problema" in broken
        assert "sugerencia: " in broken


def test_only_counts_above_zero_take_their_severitys_colour_and_an_invalid_row_has_a_dash(
    tmp_path: Path,
) -> None:
    """`0 errors` in red reads as an alarm; an invalid file (its name unknown) shows a dash."""
    root = repository(tmp_path)
    (root / "broken.journey.yaml").write_text("cyclemap: 1\nfoo: [\n", encoding="utf-8")
    with client(root) as browser:
        index = browser.get("/").text
    coloured = re.findall(r'<span class="cm-(error|warning|info)">([^<]*)</span>', index)
    assert coloured
    assert all(not text.startswith("0 ") for _kind, text in coloured), coloured
    assert '<span class="cm-zero">0 ' in index  # internet-support has no info finding
    row = index[index.index("broken.journey.yaml</a>") :]
    assert row.startswith("broken.journey.yaml</a></td><td>—</td>")
