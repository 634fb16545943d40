"""Vapi voice calls: one row per call, linked to its session (status, cost, whether its
transcript has been collected into the session's turns).

``status`` is Vapi's status of the call (``queued``, ``in-progress``, ``ended``...), or
``failed`` once mockint found that the interview never really happened on it (see
:func:`mark_failed`); its ``ended_reason`` then says why."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from mockint.clock import now
from mockint.storage.connection import transaction
from mockint.timespec import stamp


def record_call(db: Database, session_id: str, call: dict[str, Any], kind: str) -> None:
    """Store a call Vapi created (its JSON ``call`` object: id, status, and the room's
    URL: ``webCallUrl`` or ``transport.callUrl``)."""
    transport = call.get("transport") or {}
    moment = stamp(now())
    with transaction(db):
        db.table("calls").upsert(
            {
                "call_id": str(call["id"]),
                "session_id": session_id,
                "provider": "vapi",
                "kind": kind,
                "status": call.get("status"),
                "web_call_url": call.get("webCallUrl") or transport.get("callUrl"),
                "collected": 0,
                "created_at": moment,
                "updated_at": moment,
            },
            pk="call_id",
        )


def update_call(db: Database, call: dict[str, Any]) -> None:
    """Store what an ended call reports: status, ended reason, recording URL and cost
    (US dollars, with Vapi's cost breakdown as JSON).

    The recording is ``artifact.recording.mono.combinedUrl``, else the deprecated
    ``artifact.recordingUrl`` (older calls), else a top-level ``recordingUrl``.
    """
    artifact = call.get("artifact") or {}
    mono = (artifact.get("recording") or {}).get("mono") or {}
    breakdown = call.get("costBreakdown")
    with transaction(db):
        db.table("calls").update(
            str(call["id"]),
            {
                "status": call.get("status"),
                "ended_reason": call.get("endedReason"),
                "recording_url": (
                    mono.get("combinedUrl")
                    or artifact.get("recordingUrl")
                    or call.get("recordingUrl")
                ),
                "cost_usd": call.get("cost"),
                "cost_breakdown_json": json.dumps(breakdown) if breakdown is not None else None,
                "updated_at": stamp(now()),
            },
        )


def set_call_status(db: Database, call_id: str, status: str | None) -> None:
    """Record a status update Vapi sent for a call (a call stored as failed stays failed:
    a late update must not make it look like a call still to collect)."""
    with transaction(db):
        db.execute(
            "UPDATE calls SET status = ?, updated_at = ? WHERE call_id = ?"
            " AND status IS NOT 'failed'",
            [status, stamp(now()), call_id],
        )


def mark_collected(db: Database, call_id: str) -> None:
    """Note that the call's transcript is now the session's turns."""
    with transaction(db):
        db.table("calls").update(call_id, {"collected": 1})


def mark_failed(db: Database, call_id: str) -> None:
    """Record that the interview never really happened on this call (status ``failed``).

    A failed call does not hold its session: a new call can be placed, and collecting
    the same call again (its transcript may arrive late) is still allowed.
    """
    with transaction(db):
        db.table("calls").update(call_id, {"status": "failed", "updated_at": stamp(now())})


def call_failed(db: Database, call_id: str) -> bool:
    """Whether the call is stored as failed (:func:`mark_failed`)."""
    row = db.execute("SELECT status FROM calls WHERE call_id = ?", [call_id]).fetchone()
    return row is not None and row[0] == "failed"


def call_state(db: Database, call_id: str) -> bool | None:
    """Whether the call's transcript was collected; None when no such call is stored."""
    row = db.execute("SELECT collected FROM calls WHERE call_id = ?", [call_id]).fetchone()
    return None if row is None else bool(row[0])


def session_of_call(db: Database, call_id: str) -> str | None:
    """The id of the session a call belongs to, if the call is stored."""
    row = db.execute("SELECT session_id FROM calls WHERE call_id = ?", [call_id]).fetchone()
    return str(row[0]) if row else None


def latest_call_id(db: Database, session_id: str) -> str | None:
    """The id of the latest call of ``session_id``, if it has any."""
    row = db.execute(
        "SELECT call_id FROM calls WHERE session_id = ? ORDER BY created_at DESC LIMIT 1",
        [session_id],
    ).fetchone()
    return str(row[0]) if row else None


def uncollected_call(db: Database, session_id: str) -> str | None:
    """The id of a call of this session whose transcript has not been collected, if any
    (a failed call does not count: nothing of it is waiting)."""
    row = db.execute(
        "SELECT call_id FROM calls WHERE session_id = ? AND NOT collected"
        " AND status IS NOT 'failed' ORDER BY created_at DESC",
        [session_id],
    ).fetchone()
    return str(row[0]) if row else None
