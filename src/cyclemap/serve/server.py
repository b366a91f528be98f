"""Listening: the socket is bound before anything is printed (so `--port 0` can say which
port it got, and a port in use is a clear error), Uvicorn serves the application on it, and
Ctrl-C or SIGTERM ends the event streams at once so that the server stops within a moment.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn

from cyclemap.errors import UsageError
from cyclemap.serve.app import create_app
from cyclemap.serve.site import Site
from cyclemap.util.i18n import _

DEFAULT_HOST = "127.0.0.1"
GRACE = 2
"""Seconds the server waits for open requests when stopping."""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port` (port 0: a free one), or a `UsageError` saying why
    not."""
    try:
        family, kind, protocol, _name, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, protocol)
    except (OSError, UnicodeError) as error:
        raise UsageError(
            _("cannot listen on {host} ({reason})").format(host=host, reason=_reason(error))
        ) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        hint = _("; choose another with --port, or --port 0 for any free one")
        raise UsageError(
            _("cannot listen on {host} port {port} ({reason})").format(
                host=host, port=port, reason=_reason(error)
            )
            + (hint if port else "")
        ) from None
    return sock


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error)


def url_of(sock: socket.socket, host: str) -> str:
    """The address to open: a wildcard address is opened through the loopback one."""
    bound, port = sock.getsockname()[:2]
    try:
        address = ipaddress.ip_address(bound)
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        bound = "::1" if address.version == 6 else "127.0.0.1"
    shown = f"[{bound}]" if ":" in bound else bound
    if host.lower() == "localhost":
        shown = "localhost"
    return f"http://{shown}:{port}/"


class _Server(uvicorn.Server):
    """Uvicorn's server, whose stop signal also ends the event streams (they would keep it
    waiting for the grace period otherwise)."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self._on_exit()


def run(
    root: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = 0,
    open_browser: bool = False,
    tell: Callable[[str], None] = print,
    show_url: Callable[[str], None] = print,
) -> None:
    """Serve `root` until Ctrl-C or SIGTERM; `tell` says things to the person, `show_url` gives
    the address once the server is ready."""
    sock = listen(host, port)
    try:
        site = Site(root)
        app = create_app(site, host=host)
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=GRACE,
            lifespan="on",
        )

        def stop_streams() -> None:
            stopper = getattr(app.state, "stop_streams", None)
            if stopper is not None:
                stopper()

        server = _Server(config, stop_streams)
        url = url_of(sock, host)
        if not is_loopback(host):
            tell(
                _(
                    "warning: listening on {host}: other machines that reach this one can read "
                    "the journeys; without --host, serve listens on 127.0.0.1 (this machine only)"
                ).format(host=host)
            )
        show_url(url)
        tell(_("watching {root} for changes; Ctrl-C stops the server").format(root=site.root))
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C, once the server has stopped
            server.run(sockets=[sock])
    finally:
        sock.close()
        tell(_("server stopped"))
