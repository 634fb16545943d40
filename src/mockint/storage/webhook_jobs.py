"""Webhook jobs: end-of-call reports ``mockint webhook serve`` acknowledged, to be graded in
the background (table ``webhook_jobs``, migration ``m005_webhook_jobs``).

A report is stored here before Vapi gets its 200, so a server that stops before grading
loses nothing: pending jobs are graded when it starts again. One job per call id.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from mockint.clock import now
from mockint.enums import JobState
from mockint.models.webhook import WebhookJob
from mockint.storage.connection import transaction
from mockint.timespec import stamp

_COLUMNS = "id, call_id, session_id, message_json, state, attempts, error, received_at, updated_at"


def queue_report(
    db: Database, call_id: str, session_id: str, message: dict[str, Any]
) -> tuple[WebhookJob, bool]:
    """Store an end-of-call report (Vapi's ``message`` object) as a pending job.

    Returns the call's job and whether it is new: a call that already has a job (a
    repeated delivery) keeps the one it has, whatever its state.
    """
    with transaction(db):
        existing = job_of_call(db, call_id)
        if existing is not None:
            return existing, False
        db.table("webhook_jobs").insert(
            {
                "call_id": call_id,
                "session_id": session_id,
                "message_json": json.dumps(message, ensure_ascii=False),
                "state": JobState.PENDING.value,
                "attempts": 0,
                "received_at": stamp(now()),
            }
        )
        created = job_of_call(db, call_id)
    assert created is not None
    return created, True


def job_of_call(db: Database, call_id: str) -> WebhookJob | None:
    """The job of a call, if its report was received."""
    row = db.execute(f"SELECT {_COLUMNS} FROM webhook_jobs WHERE call_id = ?", [call_id])
    return _job(row.fetchone())


def get_job(db: Database, job_id: int) -> WebhookJob | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM webhook_jobs WHERE id = ?", [job_id])
    return _job(row.fetchone())


def next_pending_job(db: Database) -> WebhookJob | None:
    """The oldest pending job (the order reports arrived in), counting this attempt at it."""
    with transaction(db):
        row = db.execute(
            f"SELECT {_COLUMNS} FROM webhook_jobs WHERE state = ? ORDER BY id LIMIT 1",
            [JobState.PENDING.value],
        ).fetchone()
        if row is None:
            return None
        db.execute(
            "UPDATE webhook_jobs SET attempts = attempts + 1, updated_at = ? WHERE id = ?",
            [stamp(now()), row[0]],
        )
    return get_job(db, int(row[0]))


def pending_count(db: Database) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM webhook_jobs WHERE state = ?", [JobState.PENDING.value]
    ).fetchone()
    return int(row[0])


def finish_job(db: Database, job_id: int, state: JobState, error: str | None = None) -> None:
    """Record how a job ended: ``done``, or ``failed`` with the reason (one line for the user)."""
    with transaction(db):
        db.execute(
            "UPDATE webhook_jobs SET state = ?, error = ?, updated_at = ? WHERE id = ?",
            [state.value, error, stamp(now()), job_id],
        )


def _job(row: tuple[Any, ...] | None) -> WebhookJob | None:
    if row is None:
        return None
    names = _COLUMNS.split(", ")
    data = dict(zip(names, row, strict=True))
    data["message"] = json.loads(data.pop("message_json"))
    return WebhookJob.model_validate(data)
