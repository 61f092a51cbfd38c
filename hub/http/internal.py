"""The internal ticket API, used by the action server.

Authenticated by a shared secret (``Authorization: Bearer <HUB_INTERNAL_SECRET>``);
never exposed to citizens' browsers.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import asdict
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from hub.domain.conversations import Message
from hub.domain.feedback import NewFeedback
from hub.domain.references import parse_reference
from hub.domain.tickets import NewTicket, Ticket
from hub.domain.validation import InvalidField
from hub.store import ConversationNotFound, Store

log = logging.getLogger(__name__)


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {
        "reference": ticket.reference,
        "status": ticket.status.value,
        "category": ticket.category,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
        "photos": list(ticket.photos),
        "coordinates": None if ticket.coordinates is None else asdict(ticket.coordinates),
    }


def message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "sender": message.sender.value,
        "kind": message.kind.value,
        "text": message.text,
        "buttons": [asdict(button) for button in message.buttons],
        "media_id": message.media_id,
        "location": None if message.location is None else asdict(message.location),
        "language": message.language,
        "status": message.status.value,
        "failure_reason": message.failure_reason,
        "created_at": message.created_at.isoformat(),
    }


def invalid_field(error: InvalidField) -> HTTPResponse:
    return json(
        {"error": "invalid_field", "field": error.field, "message": f"{error.field}: {error.reason}"}, status=422
    )


def json_body(request: Request) -> Any:
    """The request's JSON, or None when it is not JSON (validation then names the body)."""
    try:
        return request.json
    except Exception:  # Sanic raises its own BadRequest for malformed JSON
        return None


UNKNOWN_CONVERSATION = InvalidField("conversation_id", "no such conversation")
MAX_TICKETS_LISTED = 10


def internal_api(store: Store, secret: str) -> Blueprint:
    blueprint = Blueprint("internal", url_prefix="/internal")

    @blueprint.on_request
    async def authenticate(request: Request) -> HTTPResponse | None:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {secret}".encode()):
            log.warning("internal API: refused a request without the right secret from %s", request.ip)
            return json({"error": "unauthorized", "message": "missing or wrong internal secret"}, status=401)
        return None

    @blueprint.post("/tickets")
    async def create_ticket(request: Request) -> HTTPResponse:
        try:
            ticket = await store.create_ticket(NewTicket.from_request(json_body(request)))
        except InvalidField as error:
            return invalid_field(error)
        except ConversationNotFound:
            return invalid_field(UNKNOWN_CONVERSATION)
        log.info("filed ticket %s (%s) for conversation %s", ticket.reference, ticket.category, ticket.conversation_id)
        return json(ticket_json(ticket), status=201)

    @blueprint.get("/tickets/<reference:str>")
    async def ticket_status(request: Request, reference: str) -> HTTPResponse:
        conversation_id = request.args.get("conversation_id")
        if not conversation_id:
            return invalid_field(InvalidField("conversation_id", "required"))
        normalized = parse_reference(reference)
        # Someone else's ticket and a ticket that does not exist get the same answer.
        ticket = await store.ticket_for_conversation(normalized, conversation_id) if normalized else None
        if ticket is None:
            return json({"error": "not_found", "message": "no such ticket for this conversation"}, status=404)
        return json(ticket_json(ticket))

    @blueprint.get("/conversations/<conversation_id:str>/tickets")
    async def tickets_of_contact(request: Request, conversation_id: str) -> HTTPResponse:
        tickets = await store.tickets_of_contact(conversation_id, MAX_TICKETS_LISTED)
        return json({"tickets": [ticket_json(ticket) for ticket in tickets]})

    @blueprint.get("/conversations/<conversation_id:str>/messages")
    async def messages(request: Request, conversation_id: str) -> HTTPResponse:
        """The transcript with each message's delivery status (failed deliveries say why)."""
        try:
            await store.get_conversation(conversation_id)
        except ConversationNotFound:
            return json({"error": "not_found", "message": "no such conversation"}, status=404)
        return json({"messages": [message_json(message) for message in await store.messages(conversation_id)]})

    @blueprint.get("/media/<media_id:str>")
    async def media(request: Request, media_id: str) -> HTTPResponse:
        photo = await store.photo(media_id)
        if photo is None:
            return json({"error": "not_found", "message": "no such media"}, status=404)
        return raw(photo.content, content_type=photo.content_type)

    @blueprint.post("/feedback")
    async def add_feedback(request: Request) -> HTTPResponse:
        try:
            feedback = await store.add_feedback(NewFeedback.from_request(json_body(request)))
        except InvalidField as error:
            return invalid_field(error)
        except ConversationNotFound:
            return invalid_field(UNKNOWN_CONVERSATION)
        log.info("stored feedback %s for conversation %s", feedback.reference, feedback.conversation_id)
        return json({"reference": feedback.reference, "created_at": feedback.created_at.isoformat()}, status=201)

    return blueprint
