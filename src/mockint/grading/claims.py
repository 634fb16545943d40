"""What an answer claims, beyond which words it uses: negation scope and complexity classes.

Negation follows the cue-and-scope model of the *SEM 2012 shared task on negation
(Morante and Blanco, 2012), reduced to rules: a cue ("not", "n't", "never", "no",
"without", and verbs that deny their object: "avoids", "prevents", "omits") negates
the words after it up to the end of its clause; "instead of X" and "rather than X"
negate X only. A cue followed by a predicate of usefulness ("is not needed",
"doesn't matter for ...") also negates the clause's subject and marks it dismissed;
one followed by a single predicate after an auxiliary ("the base case is never
met") negates the subject too. Clauses end at punctuation and at connectives that
start a new claim ("but", "because", "so", "which", "while", "when", "if").

Complexity is parsed, not matched as words: "O(n log n)", "O(n·m)", "O(min(m, n))",
"O(alpha(n))", "O(2^n)" and spoken forms ("o of n squared", "n log n", "linear",
"constant time") become canonical classes such as ``n^2`` or ``n log n``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from mockint.resources import load_toml

# --------------------------------------------------------------------- negation

_CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]{}—–!?]|(?<=\w)\.(?=\s|$)|\s-\s|"
    r"\b(?:but|because|although|though|whereas|while|which|so that|so|since|unless|"
    r"otherwise|however|then|and then|except|when|whenever|where|if|after|before|until|"
    r"every time|each time)\b",
    re.IGNORECASE,
)


def clause_breaks(text: str) -> Iterator[re.Match[str]]:
    """Where ``text``'s clauses break: punctuation and the subordinating and contrasting
    words that open a clause ("because", "while", "if")."""
    return _CLAUSE_BREAK.finditer(text)


_TOKEN = re.compile(r"[A-Za-z0-9§][\w§'’+#.-]*[\w+#]|[A-Za-z0-9§]")


@cache
def _negation_words() -> dict[str, frozenset[str]]:
    data = load_toml("grader.toml")["negation"]
    words = {key: frozenset(value) for key, value in data.items()}
    words["cues"] = words["cues"] | words["verb_cues"]
    return words


def without_verb_cues(text: str) -> str:
    """``text`` with the verbs that deny their object ("avoid", "prevents") taken out, so
    that only explicit negation ("not", "no", "without"...) is read (see ``[negation]
    verb_cues`` in grader.toml)."""
    return _verb_cues().sub(" ", text)


@cache
def _verb_cues() -> re.Pattern[str]:
    verbs = sorted(_negation_words()["verb_cues"])
    return re.compile(r"\b(?:" + "|".join(verbs) + r")\b", re.IGNORECASE)


@cache
def _any_cue() -> re.Pattern[str]:
    words = _negation_words()
    cues = sorted(
        words["cues"]
        | words["dismissive_adjectives"]
        | words["unsuited_adjectives"]
        | {p.split()[0] for p in words["phrase_cues"]}
        | {"rather"}
    )
    # lower-case cues, read from lower-cased text (re is slower with IGNORECASE)
    return re.compile(r"n['’]t\b|\b(?:" + "|".join(re.escape(c.lower()) for c in cues) + r")\b")


def may_negate(text: str) -> bool:
    """A fast check: whether ``text`` contains any negation cue at all."""
    return _any_cue().search(code_values(text).lower()) is not None


def _is_cue(token: str) -> bool:
    cues = _negation_words()
    lowered = token.lower().replace("’", "'")
    return lowered in cues["cues"] or lowered.endswith("n't")


@dataclass(frozen=True)
class Span:
    """A run of words of one polarity: ``negated`` spans are what a cue denies."""

    text: str
    negated: bool
    #: denied as not useful ("X is not needed", "X doesn't matter"): a dismissal
    dismissed: bool = False


# Python's None as a value (assigned, compared, returned, passed), never the word "none"
_NONE_VALUE = re.compile(r"(=|\(|\b(?:is|not|return|returns|to|as|or)\b)(\s*)None\b")


def code_values(text: str) -> str:
    """``text`` with Python's ``None`` used as a value ("head.next = None", "return None",
    "is None") written ``null``, so that it is not read as the negation "none"."""
    return _NONE_VALUE.sub(r"\1\2null", text)


def polarity_spans(text: str) -> list[Span]:
    """Split ``text`` into spans of affirmed and negated words, in order.

    Negation cues themselves are dropped. "not only" is not a negation, nor Python's
    ``None`` as a value (:func:`code_values`).
    """
    text = code_values(text)
    conditions = _negation_words()["condition_openers"]
    spans: list[Span] = []
    start, opener = 0, ""
    for found in (*_CLAUSE_BREAK.finditer(text), None):
        clause = text[start : found.start() if found else len(text)]
        closer = found.group(0).lower() if found else ""
        if clause.strip():
            # "301 if we do not need analytics or 302 if every click counts": a condition
            # followed by another one holds an alternative after its "or"
            alternative = opener in conditions and closer in conditions
            spans.extend(_clause_spans(clause, alternative=alternative))
        if found:
            start, opener = found.end(), closer
    return spans


def _clause_spans(clause: str, alternative: bool = False) -> list[Span]:
    tokens = _TOKEN.findall(clause)
    words = _negation_words()
    lowered = [t.lower().replace("’", "'") for t in tokens]
    negated = [False] * len(tokens)
    dismissed = [False] * len(tokens)
    drop = [False] * len(tokens)
    i = 0
    while i < len(tokens):
        word = lowered[i]
        pair = f"{word} {lowered[i + 1]}" if i + 1 < len(tokens) else ""
        if word == "not" and i + 1 < len(tokens) and lowered[i + 1] in words["not_a_cue_before"]:
            i += 2
            continue
        if (
            word == "never"
            and i
            and (
                lowered[i - 1] == "type"
                or (lowered[i - 1] in words["never_as_type_after"] and i == len(tokens) - 1)
            )
        ):
            i += 1  # TypeScript's type: "assigns the value to never", "of type never"
            continue
        if (
            word in ("no", "not")
            and i + 1 < len(tokens)
            and lowered[i + 1] in words["comparatives"]
        ):
            i += 2  # "no greater than": a bound, not a denial
            continue
        if (_is_cue(word) or pair in words["phrase_cues"]) and _states_independence(lowered, i + 1):
            i += 1  # "the producer doesn't need to know about the consumer": decoupled
            continue
        if _is_cue(word) and i == len(tokens) - 1 and i and lowered[i - 1] == "or":
            break  # "callbacks may run late or never", "sorted or not": an alternative
        if pair in words["phrase_cues"]:
            drop[i] = drop[i + 1] = True
            end = len(tokens)
            if pair in words["contrast_cues"]:
                # "instead of X": only the alternative X, up to where the clause goes on.
                ends = words["contrast_scope_ends"]
                end = _first_of(lowered, ends, i + 2, end)
            elif alternative:
                end = _first_of(lowered, ("or", "and"), i + 2, end)
            for j in range(i + 2, end):
                negated[j] = True
                dismissed[j] = pair in words["dismissal_cues"]  # "no need for a heap"
            if end == len(tokens) or pair in words["contrast_cues"]:
                break
            i = end
            continue
        unsuited = (
            word in words["unsuited_adjectives"]
            and i + 1 < len(tokens)
            and lowered[i + 1] in words["choice_nouns"]
        )
        if (word in words["dismissive_adjectives"] or unsuited) and _after_auxiliary(lowered, i):
            # "a ledger is overkill and makes audits harder", "union-find is the wrong
            # tool": the subject is dismissed.
            drop[i] = True
            if unsuited:
                drop[i + 1] = True
            for j in range(i):
                negated[j] = dismissed[j] = True
            break
        if _is_cue(word):
            drop[i] = True
            # "the base case is omitted or the step is wrong": after an auxiliary, a
            # coordinated clause with its own subject is outside the cue's scope.
            after_auxiliary = (i and lowered[i - 1] in words["auxiliaries"]) or word.endswith("n't")
            end = _coordinated_clause(lowered, i + 1) if after_auxiliary else len(tokens)
            whole = end
            if alternative:
                end = _first_of(lowered, ("or", "and"), i + 2, end)
            elif (
                word == "no"
                and (not i or lowered[i - 1] not in words["verbs_before_no"])
                and _needed_after(lowered, i + 1, end) is None  # "no X and Y is needed"
            ):
                # "verifying recovery, no lost jobs and correct next-run times": "no" names
                # one item of a list, which may go on with another cue ("and no retries");
                # "no cache or queue" denies both
                end = _first_of(lowered, ("and",), i + 2, end)
            listed = end < whole
            if word == "without":
                end = _without_scope(lowered, i + 1, end)
            elif word in words["verb_cues"]:
                # "to avoid pricing bugs I round the total", "avoid locks by using atomics":
                # a verb denies its object, up to a clause of its own (a subject pronoun,
                # or "and" with a subject) or the means it is done by
                end = min(_coordinated_clause(lowered, i + 1), _subject_at(lowered, i + 1))
                end = next(
                    (
                        j
                        for j in range(i + 2, end - 1)
                        if lowered[j] == "by" and lowered[j + 1].endswith("ing")
                    ),
                    end,
                )  # "by" with a gerund ("by caching"), not "pass by value"
            rest = [w for w in lowered[i + 1 : end] if w not in words["filler"]]
            useless = bool(rest) and (
                all(w in words["predicates"] for w in rest) or _is_dismissal(rest)
            )
            # "can't change it": the verb is denied, not the subject
            transitive = any(w in _OBJECT_PRONOUNS for w in lowered[i + 1 : end])
            predicate = not transitive and _is_predicate(rest, lowered[i - 1] if i else "", word)
            if not rest or useless or predicate:
                # "a heap is not needed", "the base case is never met": the subject
                # before the cue is denied.
                for j in range(i):
                    negated[j] = True
                    dismissed[j] = useless
            # "no shared store is needed": what "no" names is dismissed as not useful
            named = _needed_after(lowered, i + 1, end) if word == "no" else None
            for j in range(i + 1, end):
                negated[j] = True
                dismissed[j] = named is not None and j < named
            if not listed:
                break
            i = end
        i += 1
    spans: list[Span] = []
    for token, is_negated, is_dismissed, dropped in zip(
        tokens, negated, dismissed, drop, strict=True
    ):
        if dropped:
            continue
        if spans and (spans[-1].negated, spans[-1].dismissed) == (is_negated, is_dismissed):
            spans[-1] = Span(spans[-1].text + " " + token, is_negated, is_dismissed)
        else:
            spans.append(Span(token, is_negated, is_dismissed))
    return spans


def _states_independence(lowered: list[str], start: int) -> bool:
    """Whether the words from ``start``, after a cue, say that one side need not know or
    wait for the other ("doesn't need to know about", "never has to wait for"): see
    ``[negation] independence_verbs``."""
    words = _negation_words()
    j = start
    while j < len(lowered) and lowered[j] in words["independence_links"]:
        j += 1
    return j > start and j < len(lowered) and lowered[j] in words["independence_verbs"]


def _first_of(lowered: list[str], words: Collection[str], start: int, end: int) -> int:
    """The index of the first of ``words`` in ``lowered[start:end]``, else ``end``."""
    return next((j for j in range(start, end) if lowered[j] in words), end)


def _after_auxiliary(lowered: list[str], i: int) -> bool:
    """Whether word ``i`` follows an auxiliary ("is", "are", "it's"), past the modifiers
    that may stand between them ("is just overkill", "is a waste")."""
    words = _negation_words()
    j = i - 1
    while j >= 0 and lowered[j] in words["dismissive_modifiers"]:
        j -= 1
    return j >= 0 and (lowered[j] in words["auxiliaries"] or lowered[j] in _CONTRACTED_BE)


# "it's overkill", "they're pointless": a pronoun with a contracted "is" or "are" (not a
# possessive: "the log's redundant entries")
_CONTRACTED_BE = frozenset(
    f"{pronoun}{ending}"
    for pronoun, ending in (
        *((p, "'s") for p in ("it", "that", "this", "what", "here", "there", "which")),
        *((p, "'re") for p in ("they", "we", "you", "these", "those")),
    )
)


def _coordinated_clause(lowered: list[str], start: int) -> int:
    """Index of the "and"/"or" after ``start`` that begins a clause with its own subject
    (a determiner or pronoun follows it), else the clause's length."""
    words = _negation_words()
    for j in range(start, len(lowered) - 1):
        if lowered[j] in ("and", "or") and lowered[j + 1] in words["clause_subjects"]:
            return j
    return len(lowered)


def _without_scope(lowered: list[str], start: int, end: int) -> int:
    """Where "without"'s scope ends: after WITHOUT_SCOPE content words, before an
    auxiliary or a subject pronoun, and after a pronoun that follows a gerund ("without
    removing it leaks a closure", "without memoisation is exponential": what leaks and
    what is exponential are affirmed; "without a set or a queue" denies both)."""
    words = _negation_words()
    content = 0
    for j in range(start, end):
        word = lowered[j]
        if word in words["auxiliaries"] or word in _SUBJECTS:
            return j
        if j > start and lowered[j - 1].endswith("ing") and word in _OBJECT_PRONOUNS:
            return j + 1
        if word not in _SCOPE_FUNCTION_WORDS:
            content += 1
            if content == WITHOUT_SCOPE:
                return j + 1
    return end


def _subject_at(lowered: list[str], start: int) -> int:
    """Index of the first subject pronoun ("i", "we", "they"...) from ``start``, else the
    clause's length."""
    return next((j for j in range(start, len(lowered)) if lowered[j] in _SUBJECTS), len(lowered))


WITHOUT_SCOPE = 3
_OBJECT_PRONOUNS = frozenset(("it", "them", "this", "that", "these", "those", "one"))
_SUBJECTS = frozenset(("i", "we", "you", "they", "he", "she"))
_SCOPE_FUNCTION_WORDS = frozenset(
    ("a", "an", "the", "any", "or", "and", "of", "to", "for", "in", "on", "its", "their")
)


def _needed_after(lowered: list[str], start: int, end: int) -> int | None:
    """Where "is needed" (an auxiliary, then a word of usefulness) follows what "no" names
    ("no shared store is needed", "no locking is required here"), else None."""
    words = _negation_words()
    for j in range(start + 1, end - 1):
        if lowered[j] in words["auxiliaries"] and lowered[j + 1] in words["usefulness"]:
            return j
    return None


def _is_dismissal(rest: list[str]) -> bool:
    """Whether the words after a cue dismiss the subject, then say where or for what
    ("doesn't matter for time-based ids", "isn't needed in this case")."""
    words = _negation_words()
    return (
        len(rest) > 1 and rest[0] in words["usefulness"] and rest[1] in words["dismissal_continues"]
    )


def _is_predicate(rest: list[str], before: str, cue: str) -> bool:
    """Whether the one word after a cue is the predicate of the clause's subject: after
    an auxiliary ("is never met", "was not included") or a contracted one ("isn't sorted")."""
    auxiliary = before in _negation_words()["auxiliaries"] or cue.endswith("n't")
    return len(rest) == 1 and auxiliary


@cache
def _contrast() -> re.Pattern[str]:
    cues = "|".join(re.escape(c) for c in _negation_words()["contrast_cues"])
    return re.compile(rf"\b(?:{cues})\b[^,;:.!?()]*", re.IGNORECASE)


_DESCRIBED = re.compile(
    r"([\w']+)(\s+)(that|who)(\s+(?:is|are|was|were|has|have|had|does|do|did|can|will)\s*)?"
    r"(?:n['’]t\b|\s+(?:not|no|never)\b)",
    re.IGNORECASE,
)


def without_described_negation(text: str) -> str:
    """``text`` with the negation of relative clauses taken out ("an event that has no
    listeners" -> "an event that has listeners", "a key that doesn't exist"): it describes
    a case the answer names, so it is no claim that a key point is false. Only after a
    noun: "ensure that no two workers", "but that doesn't handle deletions" and a "that"
    opening a sentence keep their negation (``[negation] not_a_noun_before_that``)."""
    before = _negation_words()["not_a_noun_before_that"]

    def unsaid(match: re.Match[str]) -> str:
        word, space, pronoun, auxiliary = match.group(1, 2, 3, 4)
        if word.lower() in before:
            return match.group(0)
        return word + space + pronoun + (auxiliary or " ")

    return _DESCRIBED.sub(unsaid, text)


def without_contrasts(text: str) -> str:
    """``text`` without the alternatives it sets aside: "managed it instead of becoming
    defensive" -> "managed it". A key point that names an alternative does not ask the
    answer to deny it."""
    return _contrast().sub(" ", text)


# ------------------------------------------------------------- reversed claims

Opposite = tuple[frozenset[str], frozenset[str]]  # (the key point's words, their opposites)
_SURFACE = re.compile(r"[a-z]+(?:-[a-z]+)*")


@cache
def _reversal_pairs() -> tuple[Opposite, ...]:
    data = load_toml("grader.toml")["reversals"]
    both = [(frozenset(a), frozenset(b)) for a, b in data["pairs"]]
    one_way = [(frozenset(a), frozenset(b)) for a, b in data["one_way"]]
    return tuple(both + [(b, a) for a, b in both] + one_way)


def affirmed_words(text: str) -> frozenset[str]:
    """The lower-case words of ``text`` outside negated spans, hyphenated words whole
    ("non-blocking", "at-most-once")."""
    return frozenset(
        word
        for span in polarity_spans(text)
        if not span.negated
        for word in _SURFACE.findall(span.text.lower())
    )


def opposites(text: str) -> tuple[Opposite, ...]:
    """The reversal pairs (``[reversals]`` in grader.toml) that ``text`` (a key point)
    takes one side of: it affirms a word of the first set and uses none of the second.
    "Awaiting one call after another serialises them" takes (serial..., concurrent...)."""
    said = affirmed_words(text)
    every = frozenset(_SURFACE.findall(text.lower()))
    return tuple(
        (mine, other) for mine, other in _reversal_pairs() if said & mine and not every & other
    )


# ------------------------------------------------------------------- sequences

_NUMBER = re.compile(r"(?<![\w^(])(?<!\d\.)-?\d+(?!\.\d)(?![\w%(])")
_SEQUENCE_GAP = re.compile(
    r"\s*(?:,|;|->|→|=>)?\s*(?:(?:and|then|finally|lastly|last)\s*,?\s*)*", re.IGNORECASE
)
#: the fewest numbers in a row that make a sequence ("1, 4, 3, 2": an output order)
SEQUENCE = 3


def sequences(text: str) -> list[tuple[str, ...]]:
    """The runs of SEQUENCE or more numbers in ``text`` separated only by commas, arrows,
    "then", "and", "finally" or spaces, in order: "It logs 1, 4, 3, 2." -> [("1", "4", "3", "2")];
    "1 -> 4 -> 3" -> [("1", "4", "3")]. Numbers inside words, decimals, exponents, calls
    and percentages ("O(1)", "2^n", "12%") are not part of one."""
    found: list[tuple[str, ...]] = []
    run: list[str] = []
    end = 0
    for match in _NUMBER.finditer(text):
        if run and not _SEQUENCE_GAP.fullmatch(text[end : match.start()]):
            if len(run) >= SEQUENCE:
                found.append(tuple(run))
            run = []
        run.append(match.group(0))
        end = match.end()
    if len(run) >= SEQUENCE:
        found.append(tuple(run))
    return found


_ORDER_WORDS = re.compile(
    r"\b(?:order|ordered|prints?|printed|logs?|logged|outputs?|sequence|runs? in)\b",
    re.IGNORECASE,
)


def orders(text: str) -> list[tuple[str, ...]]:
    """The sequences of ``text`` (a key point) that are orders: only when it speaks of an
    order or an output ("The logged order is 1, 4, 3, 2"), not a set of values ("coins 1, 3
    and 4")."""
    return sequences(text) if _ORDER_WORDS.search(text) else []


def affirmed_sequences(text: str) -> list[tuple[str, ...]]:
    """The sequences ``text`` (an answer's sentence) affirms: none inside a negated span
    ("It does not print 1, 4, 3, 2")."""
    found = sequences(text)
    if not found or not may_negate(text):
        return found
    return [
        seq for span in polarity_spans(text) if not span.negated for seq in sequences(span.text)
    ]


def wrong_sequence(
    expected: tuple[str, ...], stated: Iterable[tuple[str, ...]]
) -> tuple[str, ...] | None:
    """Of the sequences ``stated`` (an answer's) that hold the same numbers as ``expected``
    (a key point's sequence), a differently ordered one when none is in its order; else None
    (also when none holds the same numbers: those say something else)."""
    same = [s for s in stated if sorted(s) == sorted(expected)]
    if not same or expected in same:
        return None
    return same[0]


# ------------------------------------------------------------------- complexity

_BIG_O = re.compile(r"\b(?:big[\s-]?)?[oOΘθΩ]\s*\(", re.UNICODE)
_SPOKEN = re.compile(
    r"\b(?:big\s+)?o\s+of\s+((?:the\s+)?(?:log(?:arithm)?\s+)?(?:one|two|1|2|[a-z])\b"
    r"(?:\s+(?:log\s+[a-z]|squared|cubed|times\s+(?:alpha|[a-z])\b|plus\s+[a-z]|to\s+the\s+[a-z]))*)",
    re.IGNORECASE,
)
_WORDED = re.compile(
    r"\b(constant|linear|logarithmic|log|quadratic|cubic|exponential|linearithmic|factorial)"
    r"[\s-]+(time|space|memory|complexity|runtime|extra space)\b|"
    r"\bn\s*log\s*n\b|\bn\s+squared\b|\bn\s+cubed\b",
    re.IGNORECASE,
)
_WORD_CLASS = {
    "constant": "1",
    "linear": "n",
    "logarithmic": "log n",
    "log": "log n",
    "quadratic": "n^2",
    "cubic": "n^3",
    "exponential": "2^n",
    "linearithmic": "n log n",
    "factorial": "n!",
}
COMPLEXITY_TOKEN = "§complexity"


@dataclass(frozen=True)
class Complexity:
    """One complexity claim: its canonical class, where it is in the text, and what it
    measures: ``"time"``, ``"space"``, or None when the text does not say."""

    cls: str
    start: int
    end: int
    role: str | None = None


# Words that say what a complexity measures, next to it: "O(n) extra space", "space: O(1)",
# "holds O(w) nodes", "runs in O(n log n)", "O(1) per operation".
_SPACE_WORDS = frozenset(
    (
        "space", "memory", "extra", "auxiliary", "storage", "stack", "ram", "footprint",
        "hold", "holds", "holding",  # "the queue can hold up to O(w) nodes"
    )
)  # fmt: skip
_TIME_WORDS = frozenset(
    (
        "time", "runtime", "running", "runs", "run", "operations", "operation", "per",
        "amortized", "amortised", "steps", "lookups", "lookup", "speed", "work", "total",
        "overall", "cost", "costs",
    )
)  # fmt: skip
_ROLE_WORD = re.compile(r"[a-z]+")
_ROLE_CLAUSE = re.compile(r"[,;.!?()]|\band\b|\bbut\b|\bwhile\b|\bplus\b|\bwith\b")


def _role_of(words: list[str]) -> str | None:
    for word in words:
        if word in _SPACE_WORDS:
            return "space"
        if word in _TIME_WORDS:
            return "time"
    return None


def _with_roles(text: str, found: list[Complexity]) -> list[Complexity]:
    """Each claim with the role its neighbouring words give it: the one to three words
    right before it in its clause ("space: O(1)", "time complexity is O(n)"), else the
    words after it up to its clause's end ("O(n) time", "O(1) extra space"). Words that
    gave a claim its role are not read again for the next one ("O(n) time and O(1)
    space")."""
    out: list[Complexity] = []
    used = 0
    for k, claim in enumerate(found):
        before = _ROLE_CLAUSE.split(text[max(used, claim.start - 40) : claim.start].lower())[-1]
        role = claim.role or _role_of(_ROLE_WORD.findall(before)[-3:][::-1])
        if role is None:
            limit = found[k + 1].start if k + 1 < len(found) else len(text)
            after_text = text[claim.end : min(limit, claim.end + 40)].lower()
            after = _ROLE_CLAUSE.split(after_text)[0]
            after_role = _role_of(_ROLE_WORD.findall(after)[:3])
            if after_role is not None:
                role = after_role
                used = claim.end + len(after)
        out.append(Complexity(claim.cls, claim.start, claim.end, role))
    for k in range(len(out) - 2, -1, -1):  # a range takes its end's role: "O(log n)-O(n) space"
        if out[k].role is None and _RANGE.fullmatch(text[out[k].end : out[k + 1].start]):
            out[k] = Complexity(out[k].cls, out[k].start, out[k].end, out[k + 1].role)
    return out


_RANGE = re.compile(r"\s*(?:[-–—/]|to|or)\s*", re.IGNORECASE)


def _closing(text: str, start: int) -> int:
    depth = 1
    for i in range(start, min(len(text), start + 60)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


@lru_cache(maxsize=4096)
def canonical_class(expression: str) -> str:
    """Canonical form of the inside of O(...): "N*logN" -> "n log n", "m·n" -> "m*n"."""
    e = expression.lower().replace("**", "^").replace("²", "^2").replace("³", "^3")
    e = e.replace("ⁿ", "^n")
    e = e.replace("α", "alpha").replace("·", "*").replace("×", "*")
    e = re.sub(r"\s*\bto\s+the\s+(?:power\s+(?:of\s+)?)?", "^", e)  # before "the" goes
    e = re.sub(r"\s+(?:size|length|count)\b|\b(?:the|number\s+of)\s+", "", e)  # alphabet size
    e = re.sub(r"\bsquared\b", "^2", e)
    e = re.sub(r"\bcubed\b", "^3", e)
    e = re.sub(r"\bone\b", "1", e)
    e = re.sub(r"\btwo\b", "2", e)
    e = re.sub(r"\btimes\b", "*", e)
    e = re.sub(r"\bplus\b", "+", e)
    e = re.sub(r"inverse\s+ackermann|ackermann", "alpha(n)", e)
    e = re.sub(r"log\s*\(\s*([a-z])\s*\)", r"log \1", e)
    e = re.sub(r"log\s*([a-z])\b", r"log \1", e)
    e = re.sub(r"\s+", " ", e).strip()
    e = re.sub(r"\s*([*+^])\s*", r"\1", e)
    # n log n written without a space or with "*"
    e = re.sub(r"\b([a-z])\s*\*?\s*log ([a-z])\b", r"\1 log \2", e)
    e = re.sub(r"\b([a-z])log ([a-z])\b", r"\1 log \2", e)
    e = re.sub(r"\b([a-z])\*\1\b", r"\1^2", e)
    e = e.replace("^ ", "^")
    # factors side by side multiply: "n l^2" == "n*l^2" ("log" is not a factor)
    e = re.sub(r"(?<![a-z])(?!log\b)([a-z0-9^()]+) (?!log\b)(?=[a-z0-9(])", r"\1*", e)
    e = _without_constant_factors(e)
    # commutative products and sums: m*n == n*m, v+e == e+v
    if re.fullmatch(r"[a-z](\*[a-z])+", e):
        e = "*".join(sorted(e.split("*")))
    elif re.fullmatch(r"[a-z](\+[a-z])+", e):
        e = "+".join(sorted(e.split("+")))
    elif re.fullmatch(r"[a-z][a-z]", e):  # "nm"
        e = "*".join(sorted(e))
    elif e.startswith("min(") or e.startswith("max("):
        inner = e[4:-1] if e.endswith(")") else e[4:]
        e = e[:4] + ",".join(sorted(p.strip() for p in inner.split(","))) + ")"
    return e


_COEFFICIENT = re.compile(r"^\d+(?=[a-z(])")  # "2n", "2n^2", "2n log n"; never "2^n"
_DIVISOR = re.compile(r"/\d+$")  # "n/2"
_SHIFTED_POWER = re.compile(r"(\d+)\^\(([a-z]+)[+-]\d+\)")  # "3^(l-1)"


def _without_constant_factors(e: str) -> str:
    """A product's constant factors dropped, as big-O drops them: "2n", "n*2" and "n/2"
    are "n", "2n^2" is "n^2", "4*3^(l-1)" is "3^l" (4·3^(L-1) = (4/3)·3^L). Sums, single
    numbers and anything unusual stay as written."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(e):
        depth += char == "("
        depth -= char == ")"
        if char == "*" and depth == 0:
            parts.append(e[start:i])
            start = i + 1
    parts.append(e[start:])
    if any(not part or ("+" in part and "(" not in part) for part in parts):
        return e
    kept = [
        _SHIFTED_POWER.sub(r"\1^\2", _DIVISOR.sub("", _COEFFICIENT.sub("", part)))
        for part in parts
        if not part.isdigit()
    ]
    return "*".join(kept) if kept and all(kept) else e


@lru_cache(maxsize=4096)
def complexities(text: str) -> tuple[Complexity, ...]:
    """Every complexity claim in ``text``, in order (overlaps resolved to the first);
    cached, since a sentence's claims are read for its prepared words and its claims."""
    found: list[Complexity] = []
    for match in _BIG_O.finditer(text):
        end = _closing(text, match.end())
        if end > match.end():
            cls = canonical_class(text[match.end() : end])
            if cls:
                found.append(Complexity(cls, match.start(), end + 1))
    for match in _SPOKEN.finditer(text):
        found.append(Complexity(canonical_class(match.group(1)), match.start(), match.end()))
    for match in _WORDED.finditer(text):
        word = (match.group(1) or "").lower()
        cls = _WORD_CLASS[word] if word else canonical_class(match.group(0))
        named = (match.group(2) or "").lower()
        role = "time" if named in ("time", "runtime") else "space" if named else None
        found.append(
            Complexity(cls, match.start(), match.end(), None if named == "complexity" else role)
        )
    found.sort(key=lambda c: (c.start, -c.end))
    kept: list[Complexity] = []
    for claim in found:
        if not kept or claim.start >= kept[-1].end:
            kept.append(claim)
    return tuple(_with_roles(text, kept))


def classes(text: str) -> set[str]:
    """The set of complexity classes ``text`` states."""
    return {c.cls for c in complexities(text)}


Claim = tuple[str | None, str]  # (role: "time", "space" or None, canonical class)


def claimed(text: str) -> frozenset[Claim]:
    """The (role, class) pairs ``text`` states: "O(n) time, O(1) space" ->
    {("time", "n"), ("space", "1")}."""
    return frozenset((c.role, c.cls) for c in complexities(text))


def conflicting(expected: frozenset[Claim], stated: frozenset[Claim]) -> tuple[str, str] | None:
    """Whether ``stated`` claims a complexity ``expected`` (a key point's claims) rules
    out; None if not, else (the classes stated, the classes expected), each as
    :func:`describe` writes them with its role ("O(n) time").

    Time is compared with time and space with space; a claim without a role counts as
    time. The answer is wrong when, for one of them, the classes it states all differ
    from the key point's: "O(n) overall" against "O(n log n) time, O(n) space" is wrong;
    "O(n^2)" against "O(n^2) time and O(1) extra space" is not (space is not stated), nor
    "O(m*n) time" against "space drops to O(min(m, n))".
    """
    for role, want, have in _by_measure(expected, stated):
        if not _agree(have, want):
            return _described({(role, c) for c in have}), _described({(role, c) for c in want})
    return None


def agreeing(expected: frozenset[Claim], stated: frozenset[Claim]) -> bool:
    """Whether ``stated`` meets one of ``expected``'s complexities (time against time,
    space against space, as :func:`conflicting` compares them)."""
    return any(_agree(have, want) for _, want, have in _by_measure(expected, stated))


def _by_measure(
    expected: frozenset[Claim], stated: frozenset[Claim]
) -> Iterator[tuple[str, set[str], set[str]]]:
    """(role, expected classes, stated classes) for time, then space, where both say one;
    a claim without a role counts as time."""
    for role in ("time", "space"):
        want = {cls for r, cls in expected if (r or "time") == role}
        have = {cls for r, cls in stated if (r or "time") == role}
        if want and have:
            yield role, want, have


def _agree(stated: set[str], expected: set[str]) -> bool:
    """Whether some stated class is an expected one, up to the names of its variables
    where one of them is spelled as a word: O(m*n) is O(rows*columns), but O(k) is not
    O(n), nor O(n) O(n log n). Any class with α(·) agrees with another (O(k·α(mn)) in
    all is O(α(n)) per operation)."""
    if stated & expected:
        return True
    if any("alpha" in c for c in stated) and any("alpha" in c for c in expected):
        return True
    return any(
        shape(s) == shape(e) and (_worded(s) or _worded(e)) for s in stated for e in expected
    )


_VARIABLE = re.compile(r"(?<![a-z])(?!log\b|min\b|max\b|alpha\b)[a-z]+(?![a-z(])")


def _worded(cls: str) -> bool:
    """Whether a variable of ``cls`` is spelled as a word ("rows*columns")."""
    return any(len(name) > 1 for name in _VARIABLE.findall(cls))


def shape(cls: str) -> str:
    """A canonical class with its variables renamed in order of appearance, then sorted
    as :func:`canonical_class` sorts them: "rows*columns" and "m*n" are both "a*b"."""
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return names.setdefault(match.group(0), "abcdefgh"[min(len(names), 7)])

    renamed = _VARIABLE.sub(rename, cls)
    return canonical_class(renamed) if renamed != cls else cls


def _described(found: Iterable[Claim]) -> str:
    """ "O(n) time, O(1) space": each class once, with its role when only one is said."""
    roles: dict[str, set[str]] = {}
    for role, cls in found:
        roles.setdefault(cls, set()).add(role or "")
    return ", ".join(
        describe(cls) + (f" {next(iter(r))}" if len(r) == 1 and "" not in r else "")
        for cls, r in sorted(roles.items())
    )


#: Words that say what a complexity measures, not what an answer is about.
ROLE_WORDS = _SPACE_WORDS | _TIME_WORDS | {"complexity"}


def replace_complexities(text: str) -> str:
    """``text`` with each complexity claim replaced by one neutral token.

    So that "n" in "O(n)" never counts as a word, and two different classes
    compare by ``classes``, not by their letters.
    """
    claims = complexities(text)
    if not claims:
        return text
    out: list[str] = []
    last = 0
    for claim in claims:
        out.append(text[last : claim.start])
        out.append(f" {COMPLEXITY_TOKEN} ")
        last = claim.end
    out.append(text[last:])
    return "".join(out)


def describe(cls: str) -> str:
    """A class as a reader expects it: "O(n log n)"."""
    return f"O({cls})"
