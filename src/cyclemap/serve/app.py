"""The web application of `serve` (Starlette): a few read-only routes over a `Site`, the file
watcher that keeps it current (watchfiles), and the server-sent events that tell open pages
to reload.

Safe by default: only GET and HEAD exist; a journey is reached only by its key in the index
(anything else, `..` and encoded or absolute paths included, is 404 before any file is
touched); a request whose `Host` is not a name of this server is refused (a page of another
site cannot reach it through DNS rebinding); every answer carries a Content-Security-Policy
that lets only the server's own script and the page's own inline script run.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from watchfiles import DefaultFilter, awatch

from cyclemap.serve import pages
from cyclemap.serve.site import Site
from cyclemap.util.i18n import N_, _

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
HEARTBEAT = 15.0
"""Seconds between comments on an idle event stream, so proxies and browsers keep it open."""
WATCHED_SUFFIXES = (".yaml", ".yml", ".toml")
CATCH_UP = 1.0
"""Seconds after start when the site is checked once more, the watcher being set up by then."""
READ_ONLY = N_("This server is read-only: it answers GET and HEAD only.")
OTHER_HOST = N_(
    "This server answers only to its own address ({names}); open it by that address. (A page "
    "elsewhere cannot reach it through another name.)"
)
HEADERS = {
    "Content-Security-Policy": pages.CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Hub:
    """The open event streams: each gets every change, and all end when the server stops."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self.stopping = False

    def publish(self, data: dict[str, Any] | None) -> None:
        for queue in self._queues:
            queue.put_nowait(data)

    def stop(self) -> None:
        self.stopping = True
        self.publish(None)

    async def stream(self, hello: dict[str, Any]) -> AsyncIterator[str]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield pages.event("hello", hello)
            while not self.stopping:
                try:
                    data = await asyncio.wait_for(queue.get(), HEARTBEAT)
                except asyncio.TimeoutError:
                    yield ": still here\n\n"
                    continue
                if data is None:
                    return
                yield pages.event("change", data)
        finally:
            self._queues.discard(queue)


def host_name(header: str) -> str:
    """The host of a `Host` header, without its port; IPv6 without brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else ""
    name, _colon, port = header.rpartition(":")
    return name if _colon and port.isdigit() else header


def allowed_hosts(host: str) -> frozenset[str]:
    """The names this server answers to: the loopback names, and the address it was bound to
    (for a wildcard address, also this machine's name)."""
    names = {*LOOPBACK_NAMES, host.strip("[]").lower()}
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host.strip("[]")).is_unspecified:
            import socket

            names.add(socket.gethostname().lower())
            names.add(socket.getfqdn().lower())
    return frozenset(names)


class HostCheck:
    """Refuses a request whose `Host` is not one of this server's names (DNS rebinding)."""

    def __init__(self, app: ASGIApp, names: Iterable[str], site: Site) -> None:
        self.app = app
        self.names = frozenset(names)
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if host_name(header) not in self.names:
                names = ", ".join(sorted(self.names))
                message = self.site.in_language(_, OTHER_HOST).format(names=names)
                await PlainTextResponse(message + "\n", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Adds `HEADERS` to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                headers += [
                    (name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in HEADERS.items()
                    if name.lower().encode("latin-1") not in present
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


class JourneyFiles(DefaultFilter):
    """Only what can change a journey: YAML files and the configuration."""

    def __call__(self, change: Any, path: str) -> bool:
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def create_app(site: Site, *, host: str = "127.0.0.1", watch: bool = True) -> Starlette:
    """The application over `site` (checked once here); `watch` re-checks it when files change."""
    hub = Hub()
    site.refresh()

    async def index(request: Request) -> Response:
        return HTMLResponse(await run_in_threadpool(site.in_language, pages.index_page, site))

    async def journey(request: Request) -> Response:
        entry = site.entries.get(request.path_params["key"])
        if entry is None:
            return await not_found(request, LookupError())
        page = await run_in_threadpool(site.in_language, pages.journey_page, site, entry)
        return HTMLResponse(page)

    async def style(request: Request) -> Response:
        return Response(pages.STYLE, media_type="text/css")

    async def script(request: Request) -> Response:
        return Response(pages.SCRIPT_LIVE, media_type="text/javascript")

    async def events(request: Request) -> Response:
        return StreamingResponse(
            hub.stream({"version": site.version}),
            media_type="text/event-stream",
            headers={"X-Accel-Buffering": "no"},
        )

    async def not_found(request: Request, _error: Exception) -> Response:
        return HTMLResponse(site.in_language(pages.not_found_page, site), status_code=404)

    async def not_allowed(request: Request, _error: Exception) -> Response:
        return PlainTextResponse(
            site.in_language(_, READ_ONLY) + "\n",
            status_code=405,
            headers={"Allow": "GET, HEAD"},
        )

    async def changed(keys: list[str]) -> None:
        await run_in_threadpool(site.redraw, keys)
        hub.publish({"version": site.version, "changed": keys})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        app.state.stop_streams = _stopper(hub)
        watcher = asyncio.create_task(_watch(site, stop, changed)) if watch else None
        try:
            yield
        finally:
            stop.set()
            hub.stop()
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route(pages.JOURNEY + "{key:path}", journey, methods=["GET", "HEAD"]),
        Route(pages.ASSETS + "/live.css", style, methods=["GET", "HEAD"]),
        Route(pages.ASSETS + "/live.js", script, methods=["GET", "HEAD"]),
        Route(pages.ASSETS + "/events", events, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: not_found, 405: not_allowed},
    )
    app.state.hub = hub
    app.state.site = site
    app.add_middleware(HostCheck, names=allowed_hosts(host), site=site)
    app.add_middleware(SecurityHeaders)
    return app


def _stopper(hub: Hub) -> Callable[[], None]:
    """A function any thread may call (a signal handler) to end every event stream."""
    loop = asyncio.get_running_loop()

    def stop() -> None:
        loop.call_soon_threadsafe(hub.stop)

    return stop


async def _watch(
    site: Site, stop: asyncio.Event, changed: Callable[[list[str]], Awaitable[None]]
) -> None:
    """Re-check the site whenever a watched file under it changes, until `stop` is set."""

    async def recheck() -> None:
        try:
            keys = await run_in_threadpool(site.refresh)
            if keys:
                await changed(keys)
        except Exception:  # a bug must not end the watching: say it, and go on
            logging.getLogger("cyclemap.serve").exception("re-checking the journeys failed")

    async def catch_up() -> None:
        """What changed between the first check and the watcher's start is seen once it runs."""
        await asyncio.sleep(CATCH_UP)
        await recheck()

    late = asyncio.create_task(catch_up())
    try:
        async for _changes in awatch(
            site.folder, watch_filter=JourneyFiles(), stop_event=stop, debounce=400, step=50
        ):
            await recheck()
    finally:
        late.cancel()
