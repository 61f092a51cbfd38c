"""The console's JSON objects (docs/console-api.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.desk import ConversationView, Queue
from hub.domain.agents import Agent
from hub.domain.conversations import Message
from hub.domain.csat import RATINGS
from hub.domain.desk import CannedReply, Note
from hub.domain.handoff import QueueItem
from hub.domain.reports import Figures, Report
from hub.http.internal import message_json, ticket_json


def agent_json(agent: Agent | None) -> dict[str, Any] | None:
    if agent is None:
        return None
    return {"id": agent.id, "email": agent.email, "name": agent.name, "role": agent.role.value}


def queue_item_json(item: QueueItem, now: datetime) -> dict[str, Any]:
    return {
        "conversation_id": item.conversation_id,
        "channel": item.channel,
        "language": item.language,
        "category": item.category,
        "priority": item.priority.value,
        "handoff_reason": item.reason,
        "waiting_since": item.waiting_since.isoformat(),
        "waited_seconds": max(int((now - item.waiting_since).total_seconds()), 0),
        "state": item.state.value,
        "assigned_agent": agent_json(item.assigned_agent),
    }


def queue_json(queue: Queue, now: datetime) -> dict[str, Any]:
    return {
        "waiting": [queue_item_json(item, now) for item in queue.waiting],
        "mine": [queue_item_json(item, now) for item in queue.mine],
        "claimed": [queue_item_json(item, now) for item in queue.claimed],
    }


def console_message_json(message: Message, agent: Agent | None) -> dict[str, Any]:
    return {**message_json(message), "agent": agent_json(agent)}


def note_json(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "agent": agent_json(note.agent),
        "text": note.text,
        "created_at": note.created_at.isoformat(),
    }


def canned_reply_json(reply: CannedReply) -> dict[str, Any]:
    return {"id": reply.id, "title": reply.title, "language": reply.language, "text": reply.text}


def conversation_json(view: ConversationView) -> dict[str, Any]:
    conversation, handoff = view.conversation, view.handoff
    ticket = view.ticket
    return {
        "conversation": {
            "id": conversation.id,
            "channel": conversation.channel,
            "language": conversation.language,
            "state": conversation.state.value,
            "created_at": conversation.created_at.isoformat(),
            "priority": None if handoff is None else handoff.priority.value,
            "handoff_reason": None if handoff is None else handoff.reason,
            "waiting_since": None if handoff is None else handoff.started_at.isoformat(),
            "summary": None if handoff is None else handoff.summary,
            "assigned_agent": agent_json(view.assigned_agent),
        },
        "messages": [
            console_message_json(message, view.agents.get(message.agent_id or "")) for message in view.messages
        ],
        "ticket": None
        if ticket is None
        else {**ticket_json(ticket), "description": ticket.description, "location": ticket.location},
        "other_conversations": [
            {
                "id": other.id,
                "channel": other.channel,
                "state": other.state.value,
                "created_at": other.created_at.isoformat(),
            }
            for other in view.other_conversations
        ],
        "notes": [note_json(note) for note in view.notes],
        "phone": None if view.masked_phone is None else {"masked": view.masked_phone},
    }


def figures_json(figures: Figures) -> dict[str, Any]:
    satisfaction, containment = figures.satisfaction, figures.containment
    return {
        "csat": {
            "responses": satisfaction.responses,
            "average": satisfaction.average,
            "distribution": {str(rating): satisfaction.distribution[rating] for rating in RATINGS},
        },
        "handoffs": figures.handoffs,
        "first_response_seconds": {
            "count": figures.first_response.count,
            "p50": figures.first_response.p50,
            "p90": figures.first_response.p90,
        },
        "resolution_seconds": {
            "count": figures.resolution.count,
            "p50": figures.resolution.p50,
            "p90": figures.resolution.p90,
        },
        "containment": None
        if containment is None
        else {
            "conversations": containment.conversations,
            "contained": containment.contained,
            "rate": containment.rate,
        },
    }


def report_json(report: Report, agents: dict[str, Agent]) -> dict[str, Any]:
    period = report.period
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "time_zone": period.time_zone.key,
        "overall": figures_json(report.overall),
        "per_day": [{"date": day.isoformat(), **figures_json(figures)} for day, figures in report.per_day],
        "per_agent": [
            {"agent": agent_json(agents.get(agent_id)), **figures_json(figures)}
            for agent_id, figures in report.per_agent
        ],
        "per_channel": [{"channel": channel, **figures_json(figures)} for channel, figures in report.per_channel],
    }
