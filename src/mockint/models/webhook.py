"""Webhook jobs: end-of-call reports the webhook server acknowledged, to grade in the
background."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockint.enums import JobState
from mockint.models.base import ApiModel


class WebhookJob(ApiModel):
    """One acknowledged end-of-call report: Vapi's ``message`` object as received (its
    ``call``, ``artifact``, ``endedReason``, ``cost``...), and how grading it went."""

    id: int
    call_id: str
    session_id: str
    message: dict[str, Any]
    state: JobState
    attempts: int
    error: str | None = None
    received_at: datetime
    updated_at: datetime | None = None
