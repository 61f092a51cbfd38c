"""The console's HTTP routes, the page and its websocket (docs/console-api.md).

Thin: sessions and CSRF are checked here, everything else is the desk's."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from sanic import Blueprint, Request, Websocket
from sanic.response import HTTPResponse, empty, file, json, raw, text

from hub.console.auth import ConsoleAuth, InvalidCredentials, Locked, csrf_matches
from hub.console.live import serve_live_updates
from hub.console.views import (
    agent_json,
    canned_reply_json,
    console_message_json,
    conversation_json,
    note_json,
    queue_item_json,
    queue_json,
    report_json,
)
from hub.desk import Conflict, Desk, DeskError, Forbidden, NotFound
from hub.domain.agents import ConsoleSession
from hub.domain.reports import report_csv
from hub.domain.validation import InvalidField, request_object
from hub.http.internal import invalid_field, json_body
from hub.live import LiveEvents
from hub.store.tables import utc_now

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
COOKIE = "saphan_console"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_STATUS = {Forbidden: 403, NotFound: 404, Conflict: 409}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def console_blueprint(desk: Desk, auth: ConsoleAuth, events: LiveEvents, public_base_url: str) -> Blueprint:
    blueprint = Blueprint("console", url_prefix="/console")
    secure_cookie = public_base_url.startswith("https://")
    hub_origin = origin_of(public_base_url)

    def session_of(request: Request) -> ConsoleSession:
        session: ConsoleSession = request.ctx.session
        return session

    @blueprint.on_request
    async def authenticate(request: Request) -> HTTPResponse | None:
        """Every API route and the websocket need a session; state changes also the CSRF token."""
        path = request.path
        if not (path.startswith("/console/api/") or path == "/console/ws"):
            return None  # the page and its files hold no data: they are the sign-in form too
        if path == "/console/api/session" and request.method == "POST":
            return None
        session = await auth.session(request.cookies.get(COOKIE))
        if session is None:
            return json({"error": "unauthorized"}, status=401)
        if path == "/console/ws" and request.headers.get("origin") != hub_origin:
            log.warning("console websocket refused: origin %r", request.headers.get("origin"))
            return json({"error": "forbidden", "message": "wrong origin"}, status=403)
        if request.method in STATE_CHANGING and not csrf_matches(session, request.headers.get("x-csrf-token")):
            return json({"error": "csrf", "message": "missing or wrong X-CSRF-Token"}, status=403)
        request.ctx.session = session
        return None

    @blueprint.exception(DeskError)
    async def refused(request: Request, error: DeskError) -> HTTPResponse:
        body = {"error": error.code, "message": str(error)}
        if isinstance(error, Conflict) and error.by is not None:
            body["by"] = agent_json(error.by)
        return json(body, status=_STATUS.get(type(error), 400))

    @blueprint.exception(InvalidField)
    async def invalid(request: Request, error: InvalidField) -> HTTPResponse:
        return invalid_field(error)

    @blueprint.get("")
    async def page(request: Request) -> HTTPResponse:
        return await file(STATIC_DIR / "index.html", mime_type="text/html; charset=utf-8")

    blueprint.static("/static", STATIC_DIR, name="console_static")

    @blueprint.post("/api/session")
    async def sign_in(request: Request) -> HTTPResponse:
        body = request_object(json_body(request))
        email, password = body.get("email"), body.get("password")
        if not isinstance(email, str) or not isinstance(password, str):
            raise InvalidField("email" if not isinstance(email, str) else "password", "required; expected a string")
        try:
            signed_in = await auth.sign_in(email, password)
        except InvalidCredentials:
            return json({"error": "invalid_credentials"}, status=401)
        except Locked as locked:
            return json({"error": "locked", "retry_after_seconds": locked.retry_after_seconds}, status=423)
        response = json({"agent": agent_json(signed_in.session.agent), "csrf_token": signed_in.session.csrf_token})
        response.add_cookie(
            COOKIE, signed_in.token, path="/console", httponly=True, samesite="Strict", secure=secure_cookie
        )
        return response

    @blueprint.get("/api/session")
    async def current_session(request: Request) -> HTTPResponse:
        session = session_of(request)
        return json({"agent": agent_json(session.agent), "csrf_token": session.csrf_token})

    @blueprint.delete("/api/session")
    async def sign_out(request: Request) -> HTTPResponse:
        await auth.sign_out(session_of(request))
        response = empty()
        response.delete_cookie(COOKIE, path="/console")
        return response

    @blueprint.get("/api/queue")
    async def queue(request: Request) -> HTTPResponse:
        return json(queue_json(await desk.queue(session_of(request).agent), utc_now()))

    @blueprint.get("/api/conversations/<conversation_id:str>")
    async def conversation(request: Request, conversation_id: str) -> HTTPResponse:
        return json(conversation_json(await desk.conversation(session_of(request).agent, conversation_id)))

    @blueprint.post("/api/conversations/<conversation_id:str>/claim")
    async def claim(request: Request, conversation_id: str) -> HTTPResponse:
        item = await desk.claim(session_of(request).agent, conversation_id)
        return json(queue_item_json(item, utc_now()))

    @blueprint.post("/api/conversations/<conversation_id:str>/reassign")
    async def reassign(request: Request, conversation_id: str) -> HTTPResponse:
        item = await desk.reassign(session_of(request).agent, conversation_id, json_body(request))
        return json(queue_item_json(item, utc_now()))

    @blueprint.post("/api/conversations/<conversation_id:str>/reply")
    async def reply(request: Request, conversation_id: str) -> HTTPResponse:
        agent = session_of(request).agent
        message = await desk.reply(agent, conversation_id, json_body(request))
        return json(console_message_json(message, agent), status=201)

    @blueprint.post("/api/conversations/<conversation_id:str>/notes")
    async def add_note(request: Request, conversation_id: str) -> HTTPResponse:
        note = await desk.add_note(session_of(request).agent, conversation_id, json_body(request))
        return json(note_json(note), status=201)

    @blueprint.post("/api/conversations/<conversation_id:str>/resolve")
    async def resolve(request: Request, conversation_id: str) -> HTTPResponse:
        await desk.resolve(session_of(request).agent, conversation_id)
        return json({"conversation_id": conversation_id, "state": "closed"})

    @blueprint.post("/api/conversations/<conversation_id:str>/hand_back")
    async def hand_back(request: Request, conversation_id: str) -> HTTPResponse:
        await desk.hand_back(session_of(request).agent, conversation_id)
        return json({"conversation_id": conversation_id, "state": "bot"})

    @blueprint.post("/api/conversations/<conversation_id:str>/reveal_phone")
    async def reveal_phone(request: Request, conversation_id: str) -> HTTPResponse:
        return json({"phone": await desk.reveal_phone(session_of(request).agent, conversation_id)})

    @blueprint.get("/api/media/<media_id:str>")
    async def media(request: Request, media_id: str) -> HTTPResponse:
        photo = await desk.photo(session_of(request).agent, media_id)
        return raw(photo.content, content_type=photo.content_type, headers={"cache-control": "private, max-age=3600"})

    @blueprint.get("/api/canned_replies")
    async def canned_replies(request: Request) -> HTTPResponse:
        return json([canned_reply_json(reply) for reply in await desk.canned_replies()])

    @blueprint.post("/api/canned_replies")
    async def add_canned_reply(request: Request) -> HTTPResponse:
        reply = await desk.add_canned_reply(session_of(request).agent, json_body(request))
        return json(canned_reply_json(reply), status=201)

    @blueprint.put("/api/canned_replies/<reply_id:str>")
    async def update_canned_reply(request: Request, reply_id: str) -> HTTPResponse:
        reply = await desk.update_canned_reply(session_of(request).agent, reply_id, json_body(request))
        return json(canned_reply_json(reply))

    @blueprint.delete("/api/canned_replies/<reply_id:str>")
    async def delete_canned_reply(request: Request, reply_id: str) -> HTTPResponse:
        await desk.delete_canned_reply(session_of(request).agent, reply_id)
        return empty()

    @blueprint.get("/api/agents")
    async def agents(request: Request) -> HTTPResponse:
        return json([agent_json(agent) for agent in await desk.agents(session_of(request).agent)])

    @blueprint.get("/api/reports")
    async def report(request: Request) -> HTTPResponse:
        found, agents = await desk.report(session_of(request).agent, request.args.get("from"), request.args.get("to"))
        return json(report_json(found, agents))

    @blueprint.get("/api/reports.csv")
    async def report_as_csv(request: Request) -> HTTPResponse:
        found, agents = await desk.report(session_of(request).agent, request.args.get("from"), request.args.get("to"))
        period = found.period
        name = f"saphan-report-{period.first.isoformat()}-{period.last.isoformat()}.csv"
        return text(
            report_csv(found, lambda agent_id: agents[agent_id].email if agent_id in agents else agent_id),
            content_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    @blueprint.websocket("/ws")
    async def live(request: Request, socket: Websocket) -> None:
        await serve_live_updates(socket, session_of(request), request.cookies.get(COOKIE) or "", desk, auth, events)

    return blueprint
