"""The interview lifecycle: set up, answer question by question, finish with a report.

This is the library API the CLI (and any runner) calls. Every answer is
committed as it is given, so an interrupted interview resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlite_utils import Database

from mockint import pricing
from mockint.clock import now
from mockint.enums import LastOf, Mode, Provider, SkipReason, Status, provider_label
from mockint.errors import (
    CompletedMeanwhile,
    GradingError,
    MockintError,
    ProviderSkipped,
    ProviderUnavailable,
    SessionStateError,
    UsageError,
)
from mockint.grading.base import Grader
from mockint.grading.factory import get_grader, grader_for
from mockint.grading.text import key_terms
from mockint.models.questions import Question, QuestionSummary
from mockint.models.reports import DeliveryMetrics, Report
from mockint.models.sessions import (
    AnsweredQuestion,
    AnswerFold,
    SessionRecord,
    SetupPreview,
    SetupResult,
    Turn,
    TurnKind,
    TurnRole,
    answers_from_turns,
)
from mockint.questions.factory import get_source
from mockint.questions.source import Selection, SelectionRequest
from mockint.storage.connection import transaction
from mockint.storage.reports import get_report, save_report
from mockint.storage.sessions import (
    create_session,
    get_session,
    new_session_id,
    recently_asked,
    session_questions,
    set_status,
)
from mockint.storage.turns import add_answer, add_turn, list_turns, replace_draft
from mockint.storage.usage import add_api_usage, api_cost
from mockint.voice.delivery import overall

if TYPE_CHECKING:
    from mockint.gemini.followups import FollowUpWriter


def answered_questions(db: Database, session_id: str) -> list[AnsweredQuestion]:
    """Each question of the session with its answer so far (None when not answered)."""
    return answers_from_turns(session_questions(db, session_id), list_turns(db, session_id))


def choose_questions(db: Database, request: SelectionRequest) -> Selection:
    """The questions ``request`` asks for, avoiding recently asked ones unless seeded; the
    bank's, saying so, when Gemini is unavailable."""
    if request.type is not None and request.difficulty is not None and request.seed is None:
        request = request.model_copy(
            update={"recent": recently_asked(db, request.type.value, request.difficulty.value)}
        )
    source = get_source(request)
    try:
        return source.select(request)
    except ProviderUnavailable as exc:
        # fall back, and say so: these questions are the bank's, never presented as the model's
        label = provider_label(source.name)
        selection = get_source(request, offline=True).select(request)
        selection.source = f"bank ({label} unavailable: {exc.reason})"
        selection.warnings.append(
            f"{label} could not write the questions ({exc.reason}); using the built-in bank."
        )
        selection.usage = exc.usage
        return selection


def setup_interview(db: Database, request: SelectionRequest, mode: Mode = Mode.TEXT) -> SetupResult:
    """Choose the questions and store a new session in status SETUP."""
    selection = choose_questions(db, request)
    return store_new_session(
        db, selection, focus=request.focus, notes=request.notes, seed=request.seed, mode=mode
    )


def preview_interview(db: Database, request: SelectionRequest) -> SetupPreview:
    """Choose the questions as :func:`setup_interview` does, storing nothing (so a Gemini
    call's cost has no session to be recorded against)."""
    selection = choose_questions(db, request)
    return SetupPreview(
        type=selection.type,
        difficulty=selection.difficulty,
        questions=[summarise(q) for q in selection.questions],
        pricing=pricing.pricing_for(selection.difficulty),
        estimated_duration=selection.estimated_minutes,
        source=selection.source,
        warnings=selection.warnings,
    )


def store_new_session(
    db: Database,
    selection: Selection,
    *,
    focus: list[str],
    notes: str | None,
    seed: int | None = None,
    mode: Mode = Mode.TEXT,
    parent_id: str | None = None,
) -> SetupResult:
    """Store a session in status SETUP asking ``selection``'s questions (and its paid calls)."""
    session = SessionRecord(
        id=new_session_id(),
        type=selection.type,
        difficulty=selection.difficulty,
        status=Status.SETUP,
        focus=focus,
        notes=notes,
        source=selection.source,
        seed=seed,
        mode=mode,
        estimated_minutes=selection.estimated_minutes,
        pricing=pricing.pricing_for(selection.difficulty),
        created_at=now(),
        parent_id=parent_id,
    )
    create_session(db, session, selection.questions)
    add_api_usage(db, session.id, selection.usage)
    return SetupResult(
        session_id=session.id,
        type=session.type,
        difficulty=session.difficulty,
        questions=[summarise(q) for q in selection.questions],
        pricing=session.pricing,
        estimated_duration=session.estimated_minutes,
        source=session.source,
        warnings=selection.warnings,
    )


def summarise(question: Question) -> QuestionSummary:
    return QuestionSummary(
        id=question.id,
        text=question.text,
        difficulty=question.difficulty_level,
        time_allocation=question.time_minutes,
        topics=question.topics,
    )


@dataclass(frozen=True)
class FollowUpResult:
    """The follow-up asked (None when there is none), and why not, when that is news."""

    text: str | None
    note: str | None = None


@dataclass
class Interview:
    """A session being run: which questions remain, and recording of turns."""

    db: Database
    session: SessionRecord
    #: said in the report about how this run went (a call that ended early...)
    notes: list[str] = field(default_factory=list)
    _fold: AnswerFold = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.reload()

    @property
    def items(self) -> list[AnsweredQuestion]:
        """The session's questions in order, each with its answer so far."""
        return self._fold.items

    @classmethod
    def open(cls, db: Database, ref: str) -> Interview:
        """Open session ``ref`` to run it; ``last`` is the newest unfinished session."""
        session = get_session(db, ref, LastOf.UNFINISHED)
        if session.status == Status.COMPLETED:
            raise SessionStateError(
                f"Session {session.id} is already completed. See it with "
                f"`mockint report {session.id}`, or start a new interview."
            )
        return cls(db, session)

    @classmethod
    def resume(cls, db: Database, ref: str, request: SelectionRequest) -> Interview:
        """Open session ``ref`` to continue it; selection options cannot apply to it."""
        given = request.model_dump(exclude_defaults=True, exclude={"recent", "provider", "model"})
        if given:
            raise UsageError(
                f"--{next(iter(given)).replace('_', '-')} chooses questions for a new session; "
                f"session {ref} already has its questions. Drop the option or the id."
            )
        return cls.open(db, ref)

    @property
    def questions(self) -> list[Question]:
        return [item.question for item in self.items]

    def pending(self) -> list[AnsweredQuestion]:
        return [item for item in self.items if not item.done]

    def position(self, question_id: str) -> int:
        return next(i for i, item in enumerate(self.items, 1) if item.question.id == question_id)

    def _new_turn(
        self, question_id: str, role: TurnRole, kind: TurnKind, text: str, **meta: object
    ) -> Turn:
        return Turn(
            session_id=self.session.id,
            question_id=question_id,
            role=role,
            kind=kind,
            text=text,
            created_at=now(),
            meta={k: v for k, v in meta.items() if v is not None},
        )

    def _turn(
        self, question_id: str, role: TurnRole, kind: TurnKind, text: str, **meta: object
    ) -> None:
        """Store a turn and fold it into :attr:`items` (no re-reading: linear in turns).

        Answers and skips are stored only if the question has none yet (AnswerConflict);
        an answer or a skip of the question itself removes its draft, which has served.
        """
        turn = self._new_turn(question_id, role, kind, text, **meta)
        if kind in (TurnKind.ANSWER, TurnKind.SKIP):
            with transaction(self.db):
                add_answer(self.db, turn)
                if not meta.get("follow_up"):
                    replace_draft(self.db, self.session.id, question_id, None)
        else:
            add_turn(self.db, turn)
        self._fold.apply(turn)

    def begin(self) -> None:
        """Mark the session in progress (idempotent)."""
        if self.session.status in (Status.SETUP, Status.FAILED):
            started = self.session.started_at or now()
            set_status(self.db, self.session.id, Status.IN_PROGRESS, started_at=started)
            self.session = self.session.model_copy(
                update={"status": Status.IN_PROGRESS, "started_at": started}
            )

    def ask(self, question: Question) -> None:
        self.begin()
        self._turn(question.id, TurnRole.INTERVIEWER, TurnKind.QUESTION, question.text)

    def answer(
        self, question_id: str, text: str, seconds: float | None = None, **meta: object
    ) -> None:
        """Store an answer; ``meta`` keeps what else is known (engine, delivery, audio file)."""
        self._turn(question_id, TurnRole.CANDIDATE, TurnKind.ANSWER, text, seconds=seconds, **meta)

    def skip(
        self,
        question_id: str,
        reason: SkipReason | None = None,
        seconds: float | None = None,
        typed: str = "",
    ) -> None:
        """Store that the question was skipped; ``reason`` goes into the report when the
        candidate did not choose to skip it (nothing was heard in a spoken answer);
        ``seconds``: time spent on it first; ``typed``: what was typed for it and set aside
        by skipping, kept with the skip (the transcript and the export show it; it is no
        answer and is not graded)."""
        self._turn(
            question_id, TurnRole.CANDIDATE, TurnKind.SKIP, typed, reason=reason, seconds=seconds
        )

    def save_draft(self, question_id: str, text: str, seconds: float | None = None) -> None:
        """Keep ``text``, typed for the question but not submitted, in place of any earlier
        draft; resuming the session offers it. ``seconds``: time spent on it so far."""
        draft = self._new_turn(
            question_id, TurnRole.CANDIDATE, TurnKind.DRAFT, text, seconds=seconds
        )
        replace_draft(self.db, self.session.id, question_id, draft)
        self._fold.apply(draft)

    def hint(self, question: Question) -> str | None:
        """The next hint for ``question`` (None when there are no more), recorded."""
        item = self.items[self.position(question.id) - 1]
        hints = hints_for(question)
        if item.hints_used >= len(hints):
            return None
        text = hints[item.hints_used]
        self._turn(question.id, TurnRole.INTERVIEWER, TurnKind.HINT, text)
        return text

    def follow_up(self, question: Question, writer: FollowUpWriter) -> FollowUpResult:
        """Ask ``writer`` for a follow-up when the answer missed key points (once per question)."""
        from mockint.grading.offline import grade_answer  # lazy: numpy and the embedding model

        item = self.items[self.position(question.id) - 1]
        if item.follow_up is not None or not item.answer:
            return FollowUpResult(None)
        missed = [p.key_point for p in grade_answer(item).points if not p.covered]
        if not missed:
            return FollowUpResult(None)
        before = len(writer.usage)
        try:
            text = writer.write(question, item.answer, missed)
        except ProviderSkipped as exc:
            return FollowUpResult(None, None if exc.said else exc.reason)
        except ProviderUnavailable as exc:
            label = provider_label(writer.name)
            return FollowUpResult(None, f"no follow-up: {label} unavailable ({exc.reason})")
        finally:
            add_api_usage(self.db, self.session.id, writer.usage[before:])
        self._turn(question.id, TurnRole.INTERVIEWER, TurnKind.FOLLOW_UP, text)
        return FollowUpResult(text)

    def answer_follow_up(self, question_id: str, text: str, seconds: float | None = None) -> None:
        self._turn(
            question_id, TurnRole.CANDIDATE, TurnKind.ANSWER, text, seconds=seconds, follow_up=True
        )

    def reload(self) -> None:
        """Re-read the answers (after a runner stored turns itself)."""
        fold = AnswerFold(session_questions(self.db, self.session.id))
        for turn in list_turns(self.db, self.session.id):
            fold.apply(turn)
        self._fold = fold

    def finish(
        self,
        provider: Provider = Provider.OFFLINE,
        model: str | None = None,
        *,
        grader: Grader | None = None,
    ) -> Report:
        """Grade the answers, store the report and complete the session.

        The grader is ``grader`` when given (another grader, a test's fake), else the one
        ``provider`` names. When it is unavailable (``ProviderUnavailable``: the model failed),
        the offline grader grades instead and the report says so; it never presents offline
        scores as another grader's. Raises CompletedMeanwhile when the session was completed
        meanwhile (by another run), and GradingError (naming the session and the command
        that grades its saved answers) when the grader fails otherwise (a rejected key, no key).
        """

        if get_session(self.db, self.session.id).status == Status.COMPLETED:
            raise CompletedMeanwhile(
                f"Session {self.session.id} is already completed (graded elsewhere meanwhile). "
                f"See it with: mockint report {self.session.id}"
            )
        self.begin()
        notes = [f"Questions: {self.session.source}.", *self.notes]
        chosen: Grader | None = grader
        try:
            chosen = grader if grader is not None else grader_for(provider, model)
            report = chosen.grade(self.session, self.items)
            usage = chosen.usage
            notes.append(f"Graded by {report.grader}.")
        except ProviderUnavailable as exc:
            usage = exc.usage
            report = get_grader("offline").grade(self.session, self.items)
            unavailable = provider_label(chosen.name) if chosen is not None else "The grader"
            report.grader = f"offline ({unavailable} unavailable: {exc.reason})"
            notes.append(f"Graded offline: {unavailable} was unavailable ({exc.reason}).")
        except MockintError as exc:
            raise GradingError(
                f"{exc.message.rstrip()} Your answers are saved: grade them offline with "
                f"`mockint start {self.session.id} --provider offline`, or fix this and run "
                f"`mockint start {self.session.id}`.",
                exit_code=exc.exit_code,
            ) from None
        add_api_usage(self.db, self.session.id, usage)
        report = with_skip_reasons(with_delivery(report, self.items), self.items)
        ended = now()
        report = report.model_copy(
            update={
                "status": Status.COMPLETED,
                "date": self.session.created_at,
                "notes": notes + report.notes,
                "api_cost": api_cost(self.db, self.session.id),
            }
        )
        report.duration_seconds = self.active_seconds(ended)
        save_report(self.db, report, ended)
        self.session = self.session.model_copy(
            update={"status": Status.COMPLETED, "ended_at": ended}
        )
        return report

    def active_seconds(self, ended: datetime) -> int | None:
        """How long the interview took: the seconds spent answering its questions, never
        the time it was paused. Sessions whose answers carry no timing (older ones) count
        from the start to ``ended``."""
        timed = [item for item in self.items if item.seconds_taken is not None]
        if timed:
            return round(sum(item.active_seconds for item in self.items))
        if self.session.started_at is None:
            return None
        return int((ended - self.session.started_at).total_seconds())


def with_delivery(report: Report, items: list[AnsweredQuestion]) -> Report:
    """Add spoken answers' delivery (and the speech engine used) to a report."""

    spoken = [item for item in items if item.answer_meta.get("delivery")]
    if not spoken:
        return report

    by_id = {item.question.id: item for item in spoken}
    questions = []
    for q in report.questions:
        item = by_id.get(q.id)
        if item is not None:
            q = q.model_copy(
                update={
                    "delivery": DeliveryMetrics.model_validate(item.answer_meta["delivery"]),
                    "transcribed_by": item.answer_meta.get("engine"),
                }
            )
        questions.append(q)
    engines = sorted({str(item.answer_meta.get("engine")) for item in spoken})
    notes = [f"Answers spoken and transcribed on this machine by {', '.join(engines)}."]
    if any(item.answer_meta.get("lower_accuracy") for item in spoken):
        notes.append(
            "pocketsphinx transcribes less accurately than Whisper: some words in your answers "
            "may be wrong, and the scores with them."
        )
    return report.model_copy(
        update={
            "questions": questions,
            "delivery": overall([q.delivery for q in questions if q.delivery is not None]),
            "notes": report.notes + notes,
        }
    )


def with_skip_reasons(report: Report, items: list[AnsweredQuestion]) -> Report:
    """Say in the report why a question was skipped when the candidate did not skip it
    (a recording in which nothing was heard)."""
    reasons = {item.question.id: item.skip_reason for item in items if item.skip_reason}
    if not reasons:
        return report
    questions = [
        q.model_copy(update={"skip_reason": reasons[q.id]}) if q.skipped and q.id in reasons else q
        for q in report.questions
    ]
    return report.model_copy(update={"questions": questions})


def hints_for(question: Question) -> list[str]:
    """Hints that nudge without giving the answer away: topics, then one cue per key point,
    in order: its short name where the question gives one ("Consider: complement lookup in
    a hash map."), else two of its key terms."""

    hints = []
    if question.topics:
        hints.append(
            "Think about: " + ", ".join(t.replace("-", " ") for t in question.topics) + "."
        )
    for i, point in enumerate(question.key_points):
        if i < len(question.concepts):
            hints.append(f"Consider: {question.concepts[i]}.")
            continue
        terms = key_terms(point, limit=2)
        if terms:
            hints.append("Consider: " + " and ".join(terms) + ".")
    return hints


def load_report(db: Database, ref: str) -> Report:
    """The report of session ``ref``; ``last`` is the newest graded session."""
    session = get_session(db, ref, LastOf.GRADED)
    report = get_report(db, session.id)
    if report is None:
        raise SessionStateError(
            f"Session {session.id} has no report yet (status {session.status.value}). "
            f"Finish it with: mockint start {session.id}"
        )
    return report
