"""Staff accounts and console sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from hub.domain.agents import Agent, ConsoleSession, Role, SignInFailures
from hub.store.base import StoreBase, agent_of_row, new_id
from hub.store.tables import AgentRow, ConsoleSessionRow

# A session's last activity is written at most this often (not on every request).
_TOUCH_EVERY_SECONDS = 60


class AgentExists(ValueError):
    """An account with this email exists already."""


class AgentStore(StoreBase):
    async def create_agent(self, email: str, name: str, role: Role, password_hash: str) -> Agent:
        """``email`` normalised by the caller (hub.domain.agents.normalize_email)."""
        row = AgentRow(id=new_id(), email=email, name=name, role=role, password_hash=password_hash)
        try:
            async with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError as error:
            raise AgentExists(email) from error
        return agent_of_row(row)

    async def agent_for_sign_in(self, email: str) -> tuple[Agent, str, SignInFailures] | None:
        """The account, its password hash and its failed sign-ins."""
        async with self._sessions() as session:
            row = await session.scalar(select(AgentRow).where(AgentRow.email == email))
            if row is None:
                return None
            failures = SignInFailures(row.failed_sign_ins, row.failures_since, row.locked_until)
            return agent_of_row(row), row.password_hash, failures

    async def set_sign_in_failures(self, agent_id: str, failures: SignInFailures) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(AgentRow)
                .where(AgentRow.id == agent_id)
                .values(
                    failed_sign_ins=failures.count,
                    failures_since=failures.since,
                    locked_until=failures.locked_until,
                )
            )

    async def set_password_hash(self, agent_id: str, password_hash: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(update(AgentRow).where(AgentRow.id == agent_id).values(password_hash=password_hash))

    async def agent(self, agent_id: str) -> Agent | None:
        async with self._sessions() as session:
            row = await session.get(AgentRow, agent_id)
            return None if row is None else agent_of_row(row)

    async def agents(self) -> list[Agent]:
        """Every account, by name."""
        async with self._sessions() as session:
            return [agent_of_row(row) for row in await session.scalars(select(AgentRow).order_by(AgentRow.name))]

    async def create_session(self, agent: Agent, token_hash: str, csrf_token: str, now: datetime) -> ConsoleSession:
        row = ConsoleSessionRow(
            id=new_id(),
            token_hash=token_hash,
            agent_id=agent.id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return ConsoleSession(row.id, agent, csrf_token, now)

    async def console_session(self, token_hash: str) -> ConsoleSession | None:
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(ConsoleSessionRow, AgentRow)
                    .join(AgentRow, AgentRow.id == ConsoleSessionRow.agent_id)
                    .where(ConsoleSessionRow.token_hash == token_hash)
                )
            ).first()
            if found is None:
                return None
            row, agent = found
            return ConsoleSession(row.id, agent_of_row(agent), row.csrf_token, row.last_seen_at)

    async def touch_session(self, console_session: ConsoleSession, now: datetime) -> None:
        """Record activity (at most once a minute: a write per request would be wasteful)."""
        if (now - console_session.last_seen_at).total_seconds() < _TOUCH_EVERY_SECONDS:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(ConsoleSessionRow).where(ConsoleSessionRow.id == console_session.id).values(last_seen_at=now)
            )

    async def delete_session(self, session_id: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.id == session_id))
