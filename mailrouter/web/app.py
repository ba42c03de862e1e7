"""The console's aiohttp application: routes, handlers and the security middleware.

Handlers do their database work in a thread (the store is synchronous) and
never change state on GET: mail clients' link scanners fetch links, so a
read link shows a confirmation page and only its POST (carrying the CSRF
token of that page) marks the message read.

IG pages have no login of their own: the console binds to loopback by
default and is expected behind the council's reverse proxy, which
authenticates officers (SSO) before forwarding ``/`` and ``/ig/``. The
``/read/`` pages are authorised by their signed token alone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.store import db
from mailrouter.store.models import OutboxState
from mailrouter.web import ack, health, metrics, pages, queries, security
from mailrouter.web.signing import TokenError, verify_read_token

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HTML = "text/html"
MAX_BODY = 16 * 1024


@dataclass(frozen=True, slots=True)
class Console:
    settings: Settings
    sessions: sessionmaker[Session]
    secret: bytes
    clock: Clock


CONSOLE = web.AppKey("console", Console)


@web.middleware
async def _secure(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(security.HEADERS)
        _log(request, exc.status)
        raise
    response.headers.update(security.HEADERS)
    _log(request, response.status)
    return response


def _log(request: web.Request, status: int) -> None:
    # The route, never the path: a read link's path is its token.
    resource = request.match_info.route.resource
    name = resource.canonical if resource is not None else "-"
    log.info("web.request method=%s route=%s status=%d", request.method, name, status)


def _console(request: web.Request) -> Console:
    return request.app[CONSOLE]


def _page(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type=HTML, charset="utf-8")


async def _health(request: web.Request) -> web.Response:
    console = _console(request)

    def check() -> health.Health:
        try:
            with console.sessions() as session:
                queries.ping(session)
                folders = tuple(queries.folder_health(session))
                parked = queries.outbox_by_state(session).get(OutboxState.parked.value, 0)
        except SQLAlchemyError as exc:
            log.warning("web.health database_error=%s", type(exc).__name__)
            return health.Health(database=False, folders=(), parked=0)
        return health.Health(database=True, folders=folders, parked=parked)

    result = await asyncio.to_thread(check)
    return web.Response(
        text=json.dumps(result.as_json(), sort_keys=True),
        status=200 if result.healthy else 503,
        content_type="application/json",
    )


async def _metrics(request: web.Request) -> web.Response:
    console = _console(request)

    def scrape() -> bytes:
        with console.sessions() as session:
            today = console.clock().astimezone(console.settings.tz).date()
            counts = queries.counts(session, today)
            unhealthy = health.unhealthy_mailboxes(queries.folder_health(session))
        return metrics.exposition(counts, unhealthy)

    body = await asyncio.to_thread(scrape)
    return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})


async def _stylesheet(_request: web.Request) -> web.Response:
    return web.Response(body=pages.stylesheet(), content_type="text/css", charset="utf-8")


def _verify(console: Console, token: str) -> tuple[int, str]:
    try:
        return verify_read_token(console.secret, token, console.clock())
    except TokenError as exc:
        if exc.reason == "expired":
            body = pages.message(
                "Link expired",
                "This link has expired. Use the link in a newer digest, or the command shown "
                "beside it.",
                error=True,
            )
            raise web.HTTPGone(text=body, content_type=HTML) from exc
        body = pages.message("Link not valid", "This link is not valid.", error=True)
        raise web.HTTPBadRequest(text=body, content_type=HTML) from exc


def _not_found() -> web.HTTPNotFound:
    body = pages.message("Not found", "There is no diverted message for this link.", error=True)
    return web.HTTPNotFound(text=body, content_type=HTML)


async def _read_get(request: web.Request) -> web.Response:
    console = _console(request)
    token = request.match_info["token"]
    message_pk, reader = _verify(console, token)

    def load() -> queries.DivertedItem | None:
        with console.sessions() as session:
            return queries.diverted_item(session, message_pk)

    item = await asyncio.to_thread(load)
    if item is None:
        raise _not_found()
    csrf = security.csrf_token(console.secret, token)
    return _page(
        pages.read_page(item, token=token, csrf=csrf, reader=reader, tz=console.settings.tz)
    )


def _refused() -> web.HTTPForbidden:
    body = pages.message("Refused", "Request refused.", error=True)
    return web.HTTPForbidden(text=body, content_type=HTML)


def _same_origin(request: web.Request) -> bool:
    """A browser names the page a POST came from; it must be this console."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host


async def _read_post(request: web.Request) -> web.Response:
    console = _console(request)
    token = request.match_info["token"]
    message_pk, reader = _verify(console, token)
    form = await request.post()
    given = form.get("csrf")
    if not _same_origin(request) or not isinstance(given, str):
        raise _refused()
    if not security.csrf_ok(console.secret, token, given):
        raise _refused()

    def mark() -> ack.AckResult:
        with db.transaction(console.sessions) as session:
            return ack.acknowledge(session, message_pk, reader, console.clock())

    result = await asyncio.to_thread(mark)
    if not result.found:
        raise _not_found()
    if result.marked:
        log.info("web.read_acknowledged message=%d contacts=%d", message_pk, result.marked)
    # Post/redirect/get: reloading the page does not resubmit the form.
    raise web.HTTPSeeOther(location=f"/read/{token}")


def _ig(render: Callable[[Session, Console], str]) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        console = _console(request)

        def work() -> str:
            with console.sessions() as session:
                return render(session, console)

        return _page(await asyncio.to_thread(work))

    return handler


def _index(session: Session, console: Console) -> str:
    today = console.clock().astimezone(console.settings.tz).date()
    return pages.index(queries.counts(session, today))


def _flags(session: Session, _console: Console) -> str:
    return pages.flags(queries.open_flags(session))


def _unread(session: Session, console: Console) -> str:
    return pages.unread(queries.unread_by_spoc(session), console.settings.tz)


def _held(session: Session, console: Console) -> str:
    return pages.held(queries.held_replies(session), console.settings.tz)


def make_app(console: Console) -> web.Application:
    app = web.Application(middlewares=[_secure], client_max_size=MAX_BODY)
    app[CONSOLE] = console
    app.router.add_get("/health", _health)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/static/console.css", _stylesheet)
    app.router.add_get("/read/{token}", _read_get)
    app.router.add_post("/read/{token}", _read_post)
    app.router.add_get("/", _ig(_index))
    app.router.add_get("/ig/flags", _ig(_flags))
    app.router.add_get("/ig/unread", _ig(_unread))
    app.router.add_get("/ig/held", _ig(_held))
    return app
