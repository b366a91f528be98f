"""The real `cyclemap serve` in a subprocess: it prints its address, pushes a change to open
pages as a server-sent event, refuses what it cannot do with a clear message, and stops
cleanly on Ctrl-C and SIGTERM. Plus the message when the `serve` extra is missing."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from cyclemap.cli import app
from tests.conftest import BROKEN_JOURNEY, MINIMAL_JOURNEY
from tests.support.render import HAS_DOT
from tests.support.serve import repository, served

runner = CliRunner()


def connection(url: str, timeout: float = 30) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)


def get(url: str, path: str) -> tuple[int, str]:
    client = connection(url)
    try:
        client.request("GET", path)
        answer = client.getresponse()
        return answer.status, answer.read().decode("utf-8")
    finally:
        client.close()


def events(response: http.client.HTTPResponse) -> tuple[str, dict[str, object]]:
    """The next server-sent event (comments skipped)."""
    name, data = "", ""
    while True:
        line = response.readline().decode("utf-8")
        if not line:
            raise AssertionError("the event stream ended")
        if line == "\n" and name:
            return name, json.loads(data)
        if line.startswith("event: "):
            name = line[7:].strip()
        elif line.startswith("data: "):
            data = line[6:].strip()


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text


@pytest.mark.slow  # starts the server
@pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz")
@pytest.mark.parametrize("one_file", [False, True], ids=["folder", "one-file"])
def test_a_saved_change_reaches_an_open_event_stream(tmp_path: Path, one_file: bool) -> None:
    (tmp_path / "cyclemap.toml").write_text("", encoding="utf-8")
    path = tmp_path / "demo.journey.yaml"
    path.write_text(textwrap.dedent(MINIMAL_JOURNEY), encoding="utf-8")
    with served(path if one_file else tmp_path) as server:
        assert server.url.startswith("http://127.0.0.1:")
        status, page = get(server.url, "/journey/demo.journey.yaml")
        assert status == 200 and "cm-errors" not in page
        stream = connection(server.url, timeout=20)
        stream.request("GET", "/_cyclemap/events")
        response = stream.getresponse()
        assert response.getheader("content-type", "").startswith("text/event-stream")
        name, hello = events(response)
        assert name == "hello"
        # Saved as many editors do: a new file renamed over the old one.
        fresh = tmp_path / ".demo.journey.yaml.tmp"
        fresh.write_text(textwrap.dedent(BROKEN_JOURNEY), encoding="utf-8")
        os.replace(fresh, path)
        name, change = events(response)
        assert name == "change"
        assert change["changed"] == ["demo.journey.yaml"]
        assert int(str(change["version"])) > int(str(hello["version"]))
        status, page = get(server.url, "/journey/demo.journey.yaml")
        assert "demo.journey.yaml:9:23" in page and "cm-stale" in page
        code, _out, err = server.stop(signal.SIGINT)  # with the stream still open
        stream.close()
    assert code == 0, err
    no_traceback(err)


@pytest.mark.slow  # starts the server
@pytest.mark.parametrize(
    ("number", "code"), [(signal.SIGINT, 0), (signal.SIGTERM, 128 + signal.SIGTERM)]
)
def test_ctrl_c_and_sigterm_stop_it_cleanly(tmp_path: Path, number: int, code: int) -> None:
    with served(repository(tmp_path)) as server:
        assert get(server.url, "/")[0] == 200
        port = urlsplit(server.url).port
        stream = connection(server.url)
        stream.request("GET", "/_cyclemap/events")
        events(stream.getresponse())
        returned, out, err = server.stop(number, timeout=30)  # a hang fails here
        stream.close()
    assert returned == code, err
    no_traceback(out, err)
    assert "server stopped" in err
    with socket.socket() as probe:  # the port is free again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port or 0))


@pytest.mark.slow  # starts the server
def test_another_host_is_served_only_with_a_warning(tmp_path: Path) -> None:
    with served(repository(tmp_path), "--host", "0.0.0.0") as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert get(server.url, "/")[0] == 200
        _code, _out, err = server.stop()
    assert "warning: listening on 0.0.0.0" in err


@pytest.mark.slow  # starts the server
def test_the_default_address_is_loopback_and_says_nothing_alarming(tmp_path: Path) -> None:
    with served(repository(tmp_path)) as server:
        _code, _out, err = server.stop()
    assert server.url.startswith("http://127.0.0.1:")
    assert "warning" not in err


@pytest.mark.slow  # starts the server
def test_open_opens_the_index_in_the_browser(tmp_path: Path) -> None:
    """`--open` goes through Python's `webbrowser`, which runs `$BROWSER` when it is set."""
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(
        f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n",
        encoding="utf-8",
    )
    browser = f"{sys.executable} {script} %s"
    with served(repository(tmp_path / "repo"), "--open", env={"BROWSER": browser}) as server:
        deadline = time.monotonic() + 30
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        server.stop()
    assert opened.read_text(encoding="utf-8") == server.url


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", str(tmp_path), "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in result.stderr
    assert "--port 0" in result.stderr


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", str(tmp_path / "nothing"), "--port", "0"])
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


@pytest.mark.parametrize("module", ["starlette", "uvicorn", "watchfiles"])
def test_without_the_extra_the_message_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import` fails
    result = runner.invoke(app, ["serve", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2
    assert f"needs {module}" in result.stderr
    assert "pip install 'cyclemap[serve]'" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_nothing_but_the_command_line_imports_serve() -> None:
    """The preview is an optional part on top of the library: no other module needs it."""
    from tests.test_architecture import PACKAGE, imports_of, module_name

    users = {
        module_name(path)
        for path in PACKAGE.rglob("*.py")
        if not module_name(path).startswith("cyclemap.serve")
        for _line, imported in imports_of(path)
        if imported == "cyclemap.serve" or imported.startswith("cyclemap.serve.")
    }
    assert users == {"cyclemap.cli.serve"}
