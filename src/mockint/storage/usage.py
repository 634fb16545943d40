"""API usage: every paid API call (tokens, US dollars) against the session it served."""

from __future__ import annotations

from sqlite_utils import Database

from mockint.clock import now
from mockint.errors import SessionDeleted
from mockint.models.usage import ApiCost, ApiUsage, SessionCost
from mockint.storage.connection import transaction
from mockint.storage.sessions import get_session
from mockint.timespec import iso


def add_api_usage(db: Database, session_id: str, usage: list[ApiUsage]) -> None:
    """Record paid API calls (its own transaction, or part of the caller's)."""
    if not usage:
        return
    with transaction(db):
        if db.execute("SELECT 1 FROM sessions WHERE id = ?", [session_id]).fetchone() is None:
            raise SessionDeleted(session_id, "it was using a paid API")
        db.table("api_usage").insert_all(
            {"session_id": session_id, **call.model_dump(), "created_at": iso(now())}
            for call in usage
        )


def api_cost(db: Database, session_id: str) -> ApiCost | None:
    """The session's API cost so far (None when it made no paid calls)."""
    rows = db.execute(
        "SELECT purpose, COUNT(*), SUM(prompt_tokens), SUM(output_tokens), SUM(cost_usd) "
        "FROM api_usage WHERE session_id = ? GROUP BY purpose ORDER BY purpose",
        [session_id],
    ).fetchall()
    if not rows:
        return None
    return ApiCost(
        total=round(sum(r[4] for r in rows), 6),
        requests=sum(r[1] for r in rows),
        prompt_tokens=sum(r[2] for r in rows),
        output_tokens=sum(r[3] for r in rows),
        by_purpose={r[0]: round(r[4], 6) for r in rows},
    )


def session_cost(db: Database, ref: str) -> SessionCost:
    """The price of session ``ref`` and the actual cost of its API calls (US dollars)."""
    session = get_session(db, ref)
    return SessionCost(
        session_id=session.id,
        type=session.type,
        difficulty=session.difficulty,
        pricing=session.pricing,
        api_cost=api_cost(db, session.id),
    )
