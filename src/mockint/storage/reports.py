"""Reports: stored whole (JSON) with their scores as rows for history queries."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from mockint.enums import Status
from mockint.errors import CompletedMeanwhile, SessionDeleted
from mockint.models.reports import Report, grader_of
from mockint.storage.connection import transaction
from mockint.storage.sessions import unreadable
from mockint.timespec import iso


def save_report(db: Database, report: Report, ended_at: datetime) -> None:
    """Store the report and mark the session completed, in one transaction.

    A session another process completed meanwhile keeps its report.
    """
    with transaction(db):
        row = db.execute("SELECT status FROM sessions WHERE id = ?", [report.session_id]).fetchone()
        if row is None:
            raise SessionDeleted(report.session_id, "it was being graded")
        if row[0] == Status.COMPLETED.value:
            raise CompletedMeanwhile(
                f"Session {report.session_id} was completed meanwhile (by another mockint); "
                f"see it with: mockint report {report.session_id}"
            )
        db.table("reports").upsert(
            {
                "session_id": report.session_id,
                "overall_score": report.overall_score,
                "grader": report.grader,
                "generated_at": iso(report.generated_at),
                "report_json": report.model_dump_json(by_alias=True),
            },
            pk="session_id",
        )
        db.execute("DELETE FROM report_scores WHERE session_id = ?", [report.session_id])
        db.table("report_scores").insert_all(
            {"session_id": report.session_id, "dimension": name, "score": score}
            for name, score in report.dimension_scores().items()
        )
        db.table("sessions").update(
            report.session_id,
            {
                "status": Status.COMPLETED.value,
                "ended_at": iso(ended_at),
                "score": report.overall_score,
                "grader": kind.value if (kind := grader_of(report.grader)[0]) else None,
            },
        )


def get_report(db: Database, session_id: str) -> Report | None:
    """The session's stored report, or None when it has none yet."""
    row = db.execute(
        "SELECT report_json FROM reports WHERE session_id = ?", [session_id]
    ).fetchone()
    if row is None:
        return None
    try:
        return Report.model_validate_json(row[0])
    except ValueError as exc:  # ValidationError, or not JSON at all
        raise unreadable(f"The report of session {session_id}", exc) from None
