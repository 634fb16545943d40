"""Live voice interviews over Vapi: the interviewer assistant, the call's record, and
turning the call's transcript into the session's turns.

The provider module speaks HTTP; this module knows interviews: what the
assistant is told, which interviewer message asked which question, which
candidate messages answer it, and what to store when a call ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from mockint.clock import now
from mockint.errors import MockintError, NotFoundError, SessionStateError
from mockint.models.questions import Question
from mockint.models.sessions import SessionRecord, Turn, TurnKind, TurnRole
from mockint.models.usage import ApiUsage
from mockint.resources import load_text
from mockint.storage import calls as stored_calls
from mockint.storage.connection import transaction
from mockint.storage.sessions import session_questions
from mockint.storage.turns import add_turn, answered_question_ids
from mockint.storage.usage import add_api_usage
from mockint.vapi.client import settings

if TYPE_CHECKING:
    from mockint.interview.session import Interview


class CallFailed(MockintError):
    """The interview never really happened on a call (no question was asked, or an error
    ended it before the first answer): nothing was graded, the call is stored as failed
    and the session stays resumable. The message names the command to try again."""


INTERVIEWER_ROLES = frozenset({"assistant", "bot"})
CANDIDATE_ROLES = frozenset({"user"})
#: share of a question's content words an interviewer message must say to count as asking it
ASKED_AT = 0.5
_WORD = re.compile(r"[a-z0-9]+")
_FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "is",
        "are",
        "be",
        "it",
        "this",
        "that",
        "you",
        "your",
        "how",
        "what",
        "would",
        "can",
        "do",
        "does",
        "we",
        "i",
        "me",
        "my",
        "as",
        "at",
        "by",
        "from",
    ]
)


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _FILLER and len(w) > 1}


def build_assistant(
    session: SessionRecord,
    questions: list[Question],
    settings: dict[str, Any],
    webhook_secret: str | None = None,
) -> dict[str, Any]:
    """The transient interviewer assistant for ``session``, as Vapi's API takes it
    (a ``CreateAssistantDto`` body: camelCase keys, durations in seconds).

    ``settings`` is the ``vapi.toml`` table (with config overrides); with a
    ``server_url`` the assistant sends Vapi's server messages there, authenticated by
    ``server_credential_id`` or else by ``webhook_secret`` in an ``X-Vapi-Secret`` header.
    """
    spec = settings["assistant"]
    minutes = sum(q.time_minutes for q in questions) + int(settings["extra_minutes"])
    listing = "\n".join(f"{i}. {q.text}" for i, q in enumerate(questions, 1))
    template = load_text("prompts/vapi_interviewer.txt")
    fill = {
        "type_label": session.type.label,
        "difficulty_label": session.difficulty.label,
        "count": len(questions),
        "minutes": minutes,
        "questions": listing,
    }
    model = {k: v for k, v in spec["model"].items()}
    model["messages"] = [{"role": "system", "content": template.format(**fill)}]
    assistant: dict[str, Any] = {
        "name": f"mockint {session.type.label} interviewer",
        "firstMessage": spec["first_message"].format(**fill),
        "model": model,
        "voice": dict(spec["voice"]),
        "transcriber": dict(spec["transcriber"]),
        "endCallMessage": spec["end_call_message"],
        "endCallPhrases": list(spec["end_call_phrases"]),
        "maxDurationSeconds": minutes * 60,
        # Documented in Vapi's API reference (assistant "silenceTimeoutSeconds") but missing
        # from vapi-server-sdk 3's CreateAssistantDto: kept, as the docs say; the contract
        # test exempts exactly this field.
        "silenceTimeoutSeconds": int(spec["silence_timeout_seconds"]),
        # the call's control URL (monitor.controlUrl) exists only with this: Ctrl-C ends the call
        "monitorPlan": {"controlEnabled": True},
        "metadata": {"mockintSessionId": session.id},
    }
    server_url = settings.get("server_url")
    if server_url:
        # Vapi sends these headers with every server message: `mockint webhook serve`
        # checks the secret. HMAC signing instead needs a credential made in Vapi.
        server: dict[str, Any] = {
            "url": server_url,
            "timeoutSeconds": float(settings.get("server_timeout_seconds", 20)),
        }
        if settings.get("server_credential_id"):
            server["credentialId"] = settings["server_credential_id"]
        elif webhook_secret:
            server["headers"] = {"X-Vapi-Secret": webhook_secret}
        assistant["server"] = server
        assistant["serverMessages"] = list(
            settings.get("server_messages", ["end-of-call-report", "status-update"])
        )
    return assistant


#: call statuses after which a call changes no more (Vapi's CallStatus)
FINAL_STATUSES = frozenset({"ended", "not-found", "deletion-failed"})


def is_error_reason(reason: str | None) -> bool:
    """Whether a call's ``endedReason`` (or final status) says it failed: any reason naming
    an error or a fault, as Vapi's list does (``pipeline-error-...``,
    ``call.in-progress.error-vapifault-transport-never-connected``), or one of
    ``failed_ended_reasons`` in ``vapi.toml`` (``assistant-not-found``, ``not-found``...)."""
    if not reason:
        return False
    failed = {str(r) for r in settings().get("failed_ended_reasons", ())}
    return "error" in reason or "fault" in reason or reason in failed


def join_url(call: dict[str, Any]) -> str | None:
    """Where a browser joins a web call: ``webCallUrl``, else ``transport.callUrl`` (the
    Daily room, which is all vapi-server-sdk's ``Call`` model has); None when neither."""
    transport = call.get("transport") or {}
    url = call.get("webCallUrl") or (
        transport.get("callUrl") if isinstance(transport, dict) else None
    )
    return str(url) if url else None


def socket_url(call: dict[str, Any]) -> str | None:
    """Where the audio of a WebSocket-transport call streams: ``transport.websocketCallUrl``
    (None when the reply has none)."""
    transport = call.get("transport") or {}
    url = transport.get("websocketCallUrl") if isinstance(transport, dict) else None
    return str(url) if url else None


def join_token(call: dict[str, Any]) -> str | None:
    """The meeting token of a web call's room (``transport.callToken``), if Vapi sent one."""
    transport = call.get("transport") or {}
    token = transport.get("callToken") if isinstance(transport, dict) else None
    return str(token) if token else None


@dataclass
class QuestionTranscript:
    question: Question
    asked: str | None = None
    asked_at: float | None = None
    answer: list[str] = field(default_factory=list)
    answer_start: float | None = None
    answer_end: float | None = None


def _message_text(message: dict[str, Any]) -> str:
    return str(message.get("message") or message.get("content") or "").strip()


def _spoken_seconds(message: dict[str, Any]) -> float:
    """How long a message was spoken: ``endTime - time`` (epoch ms), else ``duration`` (ms)."""
    if message.get("endTime") is not None and message.get("time") is not None:
        return max(0.0, (float(message["endTime"]) - float(message["time"])) / 1000)
    if message.get("duration") is not None:
        return max(0.0, float(message["duration"]) / 1000)
    return 0.0


class QuestionMatcher:
    """Which question an interviewer's words ask, following the questions in order.

    A message asks question *i* when it says at least ``ASKED_AT`` of the question's
    content words; only the next question and the one after it (one may be skipped
    over) are looked for, so a question is found once.
    """

    def __init__(self, questions: list[Question]) -> None:
        self.wanted = [words(q.text) for q in questions]
        self.following = 0  # the index of the next question to look for

    def asked(self, text: str) -> int | None:
        """The index (0-based) of the question ``text`` asks, or None."""
        said = words(text)
        for index in range(self.following, min(self.following + 2, len(self.wanted))):
            wanted = self.wanted[index]
            if wanted and len(wanted & said) / len(wanted) >= ASKED_AT:
                self.following = index + 1
                return index
        return None


def map_messages(
    messages: list[dict[str, Any]], questions: list[Question]
) -> list[QuestionTranscript]:
    """Which interviewer message asked each question, and the candidate messages that answer it.

    Interviewer messages are matched to the questions in order (one may be skipped
    over); everything the candidate says after a question is asked, until the next
    one, is that question's answer. Talk before the first question is small talk.
    """
    mapped = [QuestionTranscript(q) for q in questions]
    matcher = QuestionMatcher(questions)
    current: int | None = None
    for message in sorted(messages, key=lambda m: float(m.get("secondsFromStart") or 0)):
        role, text = message.get("role"), _message_text(message)
        if not text:
            continue
        at = float(message.get("secondsFromStart") or 0)
        if role in INTERVIEWER_ROLES:
            index = matcher.asked(text)
            if index is not None:
                current = index
                mapped[index].asked, mapped[index].asked_at = text, at
        elif role in CANDIDATE_ROLES and current is not None:
            item = mapped[current]
            item.answer.append(text)
            if item.answer_start is None:
                item.answer_start = at
            item.answer_end = at + _spoken_seconds(message)
    return mapped


def refuse_a_second_call(db: Database, session_id: str) -> None:
    """SessionStateError, naming `mockint complete`, when ``session_id`` has a call whose
    transcript has not been collected yet (a second call would ask the questions again)."""
    waiting = stored_calls.uncollected_call(db, session_id)
    if waiting is not None:
        raise SessionStateError(
            f"Session {session_id} already has a call ({waiting}) whose transcript has not been "
            f"collected: finish it with `mockint complete {session_id}`."
        )


def latest_call_id(db: Database, session_id: str) -> str:
    """The id of the latest call of ``session_id`` (NotFoundError when it has none)."""
    call_id = stored_calls.latest_call_id(db, session_id)
    if call_id is None:
        raise NotFoundError(
            f"Session {session_id} has no Vapi call. Start one with: mockint start {session_id} "
            "--mode vapi"
        )
    return call_id


def messages_of(call: dict[str, Any]) -> list[dict[str, Any]]:
    artifact = call.get("artifact") or {}
    messages = artifact.get("messages") or call.get("messages") or []
    return [m for m in messages if isinstance(m, dict)]


@dataclass(frozen=True)
class CallSummary:
    """How a call went: questions ``asked`` and ``answered`` of ``total``, why it ended,
    whether it ended before the last question (``early``) or with an error (``error``),
    and whether it had any transcript at all (``heard``)."""

    asked: int
    answered: int
    total: int
    ended_reason: str | None
    early: bool
    error: bool = False
    heard: bool = True

    @property
    def happened(self) -> bool:
        """Whether there is an interview to grade: a question was asked, and no error
        ended the call before the first answer."""
        return self.asked > 0 and not (self.error and self.answered == 0)

    def failure(self, session_id: str) -> str:
        """Why nothing was graded, and how to try again (one line, for an error)."""
        reason = self.ended_reason or "unknown reason"
        if not self.heard:
            what = f"The Vapi call ended ({reason}) with no transcript"
        elif self.asked == 0:
            what = f"The Vapi call ended ({reason}) before the first question was asked"
        else:
            what = f"The Vapi call failed ({reason}) before your first answer"
        return (
            f"{what}, so nothing was graded. Session {session_id} is kept: try again with "
            f"`mockint start {session_id} --mode vapi` or `--mode text`."
        )

    @property
    def note(self) -> str:
        reason = self.ended_reason or "unknown reason"
        if self.error:
            rest = ", the rest were not asked" if self.answered < self.total else ""
            return (
                f"The call failed ({reason}) after {self.answered} of {self.total} questions "
                f"were answered; those answers are kept and graded{rest}."
            )
        if self.early:
            return (
                f"The call ended early ({reason}) after {self.asked} of {self.total} questions; "
                "graded on what was answered."
            )
        return f"Voice interview over Vapi; the call ended ({reason})."


def _turns_for(
    session: SessionRecord, mapped: list[QuestionTranscript], done: set[str], error: bool = False
) -> list[Turn]:
    turns: list[Turn] = []
    moment = now()

    def turn(qid: str, role: TurnRole, kind: TurnKind, text: str, **meta: object) -> None:
        turns.append(Turn(session_id=session.id, question_id=qid, role=role, kind=kind, text=text,
                          created_at=moment, meta={"source": "vapi", **meta}))  # fmt: skip

    last_answer = max((i for i, m in enumerate(mapped) if m.answer), default=-1)
    for index, item in enumerate(mapped):
        qid = item.question.id
        if item.asked is None or qid in done:
            continue
        if error and not item.answer and index > last_answer:
            continue  # the call failed while this was asked: not a skip, still to answer
        turn(
            qid, TurnRole.INTERVIEWER, TurnKind.QUESTION, item.asked, secondsFromStart=item.asked_at
        )
        if not item.answer:
            turn(qid, TurnRole.CANDIDATE, TurnKind.SKIP, "")
            continue
        seconds = None
        if item.answer_end is not None and item.answer_start is not None:
            seconds = round(item.answer_end - item.answer_start, 1)
        turn(qid, TurnRole.CANDIDATE, TurnKind.ANSWER, "\n".join(item.answer),
             secondsFromStart=item.answer_start, seconds=seconds)  # fmt: skip
    return turns


def summarise(call: dict[str, Any], mapped: list[QuestionTranscript]) -> CallSummary:
    """How the ended ``call`` went, from its questions as :func:`map_messages` found them."""
    asked = sum(1 for m in mapped if m.asked is not None)
    status = call.get("status")
    reason = call.get("endedReason") or (status if status != "ended" else None)
    return CallSummary(
        asked=asked,
        answered=sum(1 for m in mapped if m.answer),
        total=len(mapped),
        ended_reason=reason,
        early=asked < len(mapped),
        error=is_error_reason(reason),
        heard=bool(messages_of(call)),
    )


def collect(db: Database, session: SessionRecord, call: dict[str, Any]) -> CallSummary:
    """Store an ended call's transcript as the session's turns, and its cost.

    One transaction: a call is collected once, whole, however many processes try. A call
    on which the interview never happened (``CallSummary.happened`` is False) stores no
    turns: it is recorded as failed, with its cost, and may be collected again later.
    """
    questions = session_questions(db, session.id)
    mapped = map_messages(messages_of(call), questions)
    summary = summarise(call, mapped)
    call_id = str(call["id"])
    with transaction(db):
        collected = stored_calls.call_state(db, call_id)
        costed = stored_calls.call_failed(db, call_id)  # its cost was recorded when it failed
        if not collected:
            if summary.happened:
                done = answered_question_ids(db, session.id)
                for turn in _turns_for(session, mapped, done, summary.error):
                    add_turn(db, turn)
            if collected is not None:
                stored_calls.update_call(db, call)
                if summary.happened:
                    stored_calls.mark_collected(db, call_id)
                else:
                    stored_calls.mark_failed(db, call_id)
            if call.get("cost") is not None and not costed:
                add_api_usage(db, session.id, [ApiUsage(
                    provider="vapi", model="call", purpose="call", cost_usd=float(call["cost"]))])  # fmt: skip
    return summary


def collect_into(interview: Interview, call: dict[str, Any]) -> CallSummary:
    """Collect an ended call into ``interview``: its turns stored, its answers reloaded,
    and how the call went noted for the report.

    Raises CallFailed (exit code 1) when the interview never happened on the call: then
    nothing is stored but the call's failure and cost, and nothing should be graded.
    """
    summary = collect(interview.db, interview.session, call)
    if not summary.happened:
        raise CallFailed(summary.failure(interview.session.id))
    interview.reload()
    interview.notes.append(summary.note)
    return summary
