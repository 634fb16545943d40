"""Text analysis for the offline grader.

Pipeline: split the answer into prose and code (fenced blocks and lines that
read as code; comments count as prose, identifiers as words), split prose into
sentences (bullets are sentences), expand common abbreviations ("BFS"), replace
complexity claims by one neutral token (see ``claims``), mark negated spans,
lower-case, replace phrases of the concept lexicon by a concept token (so
"priority queue" and "min-heap" both become ``§heap``), and stem words with the
Snowball stemmer. Terms are weighted by how specific they are to a key point
(inverse document frequency over the bank's key points): "heap" counts for more
than "use".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import takewhile
from typing import Any, NamedTuple

from mockint.grading.claims import (
    COMPLEXITY_TOKEN,
    code_values,
    may_negate,
    polarity_spans,
    replace_complexities,
)
from mockint.resources import load_json, load_toml

CONCEPT_MARK = "§"
_WORD = re.compile(r"§[a-z0-9-]+|[a-z0-9]+(?:['’][a-z]+)?")
# A sentence ends at . ! ? or ; before white space, except an ellipsis before a lower-case
# word ("a do ... while loop"); at a blank line; before a bullet or numbered item.
_SENTENCE_END = re.compile(
    r"(?<=[!?;])\s+|(?<=[^.]\.)\s+|(?<=^\.)\s+|(?:(?<=\.\.\.)|(?<=…))\s+(?![a-z])"
    r"|\n\s*\n|\n\s*(?=[-*•]|\d+[.)]\s)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@cache
def _grader_words() -> dict[str, Any]:
    return load_toml("grader.toml")


@cache
def function_words() -> frozenset[str]:
    return frozenset(_grader_words()["function_words"])


@cache
def rubric_words() -> frozenset[str]:
    return frozenset(_grader_words()["rubric_words"])


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if word.startswith(CONCEPT_MARK):
        return word
    return str(_stemmer().stemWord(word))


KEY_POINT_FREQUENCY = "key_point_frequency.json"


@cache
def _key_point_frequency() -> tuple[int, dict[str, int]]:
    data = load_json(KEY_POINT_FREQUENCY)
    return int(data["key_points"]), data["terms"]


def specificity(term: str) -> float:
    """How specific ``term`` (a stem or concept token) is to a key point (0..1): its
    inverse document frequency over the bank's key points (Sparck Jones, 1972), scaled
    so that a term no key point uses is 1.0. Words every rubric uses weigh little.

    The counts ship as ``data/key_point_frequency.json``, built from the bank by
    ``tools/build_key_point_frequency.py`` (see ``key_point_frequency``).
    """
    total, counts = _key_point_frequency()
    return math.log((total + 1) / (counts.get(term, 0) + 1)) / math.log(total + 1)


def key_point_frequency(key_points: list[str]) -> dict[str, Any]:
    """{"key_points": len(key_points), "terms": {term: how many key points use it}}."""
    counts: dict[str, int] = {}
    for point in key_points:
        for term in {found[0] for found in _terms(point)}:
            counts[term] = counts.get(term, 0) + 1
    return {"key_points": len(key_points), "terms": dict(sorted(counts.items()))}


_SYMBOLIC = re.compile(r"[^a-z0-9\s'-]")
MAX_PHRASE = 8


@cache
def _lexicon() -> tuple[
    re.Pattern[str] | None,
    dict[str, str],
    dict[tuple[str, ...], str],
    dict[str, str],
    dict[str, int],
]:
    """Symbolic phrases ("O(n)") matched on raw text; word phrases on stem sequences.

    Matching word phrases after stemming makes "edge cases" match "edge case"
    and "min-heap" match "min heap".
    """
    data = load_toml("lexicon.toml")
    symbolic: dict[str, str] = {}
    by_stems: dict[tuple[str, ...], str] = {}
    by_word: dict[str, str] = {}
    for concept in data["concepts"]:
        token = CONCEPT_MARK + concept["name"]
        for phrase in concept["phrases"]:
            lowered = phrase.lower()
            if _SYMBOLIC.search(lowered):
                symbolic[lowered] = token
            found = _WORD.findall(lowered)
            if len(found) == 1:
                # One word: its own forms only, since stems collide ("fastly" -> "fast").
                for form in _plurals(found[0]):
                    by_word.setdefault(form, token)
            elif 1 < len(found) <= MAX_PHRASE:
                by_stems.setdefault(tuple(stem(w) for w in found), token)
    # The longest phrase starting with each stem, so most tokens try no phrase at all.
    longest: dict[str, int] = {}
    for phrase in by_stems:
        longest[phrase[0]] = max(longest.get(phrase[0], 0), len(phrase))
    pattern = None
    if symbolic:
        alternatives = sorted(symbolic, key=len, reverse=True)
        pattern = re.compile(
            r"(?<![\w§])(?:" + "|".join(re.escape(p) for p in alternatives) + r")(?![\w])"
        )
    return pattern, symbolic, by_stems, by_word, longest


_SIBILANT = ("s", "x", "z", "ch", "sh")


def _plurals(word: str) -> tuple[str, ...]:
    """``word`` and its regular plural ("shard", "shards"; "index", "indexes"), for a
    one-word lexicon phrase. "-es" follows a sibilant only, and a plural the stemmer reads
    as an inflection of another word is left out: "cases" is not the plural of "cas"
    (compare-and-swap), nor "tries" of "trie"; an acronym's ("SLAs") is kept."""
    plural = word + ("es" if word.endswith(_SIBILANT) else "s")
    return (word, plural) if stem(plural) in (stem(word), plural) else (word,)


def canonicalise(text: str) -> str:
    """Lower-case ``text`` and replace symbolic lexicon phrases ("O(n log n)") by concepts."""
    pattern, mapping, _, _, _ = _lexicon()
    lowered = text.lower().replace("’", "'")
    if pattern is None:
        return lowered
    return pattern.sub(lambda m: f" {mapping[m.group(0)]} ", lowered)


def concept_tokens(tokens: list[str]) -> list[tuple[str, str]]:
    """Stem ``tokens`` and fold lexicon phrases into concept tokens (longest match first).

    Returns (term, surface word) pairs; a concept's surface is the concept token.
    """
    return [(term, surface) for term, surface, _ in _concept_tokens(tokens)]


def _concept_tokens(tokens: list[str]) -> list[tuple[str, str, str]]:
    """(term, surface word, the words as written) of ``tokens``, see concept_tokens: a
    concept's words as written are the tokens it was read from ("cases", "counter")."""
    _, _, by_stems, by_word, longest = _lexicon()
    stems = [stem(t) for t in tokens]
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(stems):
        for size in range(min(longest.get(stems[i], 0), len(stems) - i), 1, -1):
            concept = by_stems.get(tuple(stems[i : i + size]))
            if concept is not None:
                out.append((concept, concept, " ".join(tokens[i : i + size])))
                i += size
                break
        else:
            # a phrasal verb around its object pronoun: "rolled it back" is "rolled back"
            split = (
                by_stems.get((stems[i], stems[i + 2]))
                if i + 2 < len(stems) and tokens[i + 1] in _PARTICLE_OBJECTS
                else None
            )
            if split is not None:
                out.append((split, split, " ".join(tokens[i : i + 3])))
                i += 3
                continue
            concept = by_word.get(tokens[i])
            out.append(
                (concept, concept, tokens[i]) if concept else (stems[i], tokens[i], tokens[i])
            )
            i += 1
    return out


# Object pronouns a phrasal verb puts before its particle ("roll it back", "look them up").
_PARTICLE_OBJECTS = frozenset(("it", "them"))


@cache
def _stemmed(words_: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in words_)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass
class Sentence:
    """One sentence (or a code block's identifiers) of an answer, analysed.

    ``text`` is what the candidate wrote; ``words`` is the prepared text the
    embedding model reads (abbreviations expanded, complexities neutral);
    ``negated`` holds content terms that occur only inside negated spans, and
    ``affirmed`` the prepared text without them.
    """

    text: str
    tokens: list[str]
    stems: list[str]
    content: list[str]
    function_ratio: float
    words: str = ""
    #: (term, surface word) of each content word, in order
    pairs: list[tuple[str, str]] = field(default_factory=list)
    negated: frozenset[str] = frozenset()
    affirmed: str = ""
    code: bool = False
    #: content terms the sentence dismisses as not useful ("clock skew doesn't matter")
    dismissed: frozenset[str] = frozenset()
    #: for a line of identifiers (``code``), the code lines it was read from, comments
    #: left out: what the report quotes instead of the identifiers
    lines: tuple[str, ...] = ()

    @property
    def content_set(self) -> set[str]:
        return set(self.content)


@dataclass
class Analysed:
    text: str
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)

    @property
    def content_set(self) -> set[str]:
        return {t for s in self.sentences for t in s.content}


def split_sentences(text: str) -> list[str]:
    parts = (p.strip() for p in _SENTENCE_END.split(_CONTROL.sub(" ", text)))
    return [p for p in parts if p]


# ------------------------------------------------------------------ abbreviations


@cache
def _abbreviations() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """(any-case abbreviations, to match in lower-cased text; upper-case ones; expansions).

    Python's ``re`` runs several times slower with IGNORECASE, so the any-case ones are
    written in lower case and read from lower-cased text."""
    data = _grader_words()["abbreviations"]
    table = {k.lower(): v for k, v in data["any_case"].items()}
    table.update({k: v for k, v in data["upper_case"].items()})
    any_case = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(k.lower()) for k in data["any_case"]) + r")s?(?![\w-])"
    )
    upper = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(k) for k in data["upper_case"]) + r")s?(?![\w-])"
    )
    return any_case, upper, table


def lower_in_place(text: str) -> str:
    """``text`` in lower case, each character where it was (a character whose lower case is
    longer, "İ", stays as written), so that match positions are positions in ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def expand_abbreviations(text: str) -> str:
    """Replace abbreviations (``grader.toml``) by their expansion: "BFS" -> "breadth-first search"."""
    any_case, upper, table = _abbreviations()
    pieces: list[str] = []
    last = 0
    for match in any_case.finditer(lower_in_place(text)):
        pieces += (text[last : match.start()], table[match.group(1)])
        last = match.end()
    text = "".join(pieces) + text[last:] if pieces else text
    return upper.sub(lambda m: table[m.group(1)], text)


def prepare(text: str) -> str:
    """The words a sentence says: abbreviations and units of time expanded, complexity
    claims neutral, and Python's ``None`` as a value read as "null"."""
    return expand_units(replace_complexities(expand_abbreviations(code_values(text))))


_UNIT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(ms|msec|s|sec|secs|min|mins|h|hr|hrs)(?![\w])")
_UNITS = {
    "ms": "milliseconds", "msec": "milliseconds", "s": "seconds", "sec": "seconds",
    "secs": "seconds", "min": "minutes", "mins": "minutes", "h": "hours", "hr": "hours",
    "hrs": "hours",
}  # fmt: skip
# "404s", "500s": status codes in the plural, not seconds
_STATUS_PLURAL = re.compile(r"[1-5]\d\d")


def expand_units(text: str) -> str:
    """``text`` with numbers of time units written out: "every 4s" -> "every 4 seconds",
    "p99 under 200ms" -> "under 200 milliseconds", "15min" -> "15 minutes" (not the
    plural of a status code: "404s")."""

    def unit(match: re.Match[str]) -> str:
        number, name = match.groups()
        if name == "s" and _STATUS_PLURAL.fullmatch(number):
            return match.group(0)
        return f"{number} {_UNITS[name]}"

    return _UNIT.sub(unit, text)


# ---------------------------------------------------------------------------- code

_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |for .*[:{]\s*$|while .*[:{]\s*$|if .*[:{]\s*$|elif |else\s*[:{]|"
    r"return\b|const |let |var |function\b|import |from \S+ import|\}|\{|"
    r"[\w.\[\]]+\s*(?:=|\+=|-=|\*=|=>)\s*\S|[\w.]+\(.*\)\s*;?\s*$)"
)
_COMMENT = re.compile(r"(?:#|//)\s?(.*)$|/\*(.*?)\*/")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@cache
def _code_keywords() -> frozenset[str]:
    return frozenset(_grader_words()["code_keywords"])


def _code_sentences(code: str) -> tuple[list[str], str]:
    """(comments as prose sentences, the identifiers of the code as one line of words)."""
    comments: list[str] = []
    idents: list[str] = []
    keywords = _code_keywords()
    for line in code.splitlines():
        comment = _COMMENT.search(line)
        if comment:
            comments.append((comment.group(1) or comment.group(2) or "").strip())
            line = line[: comment.start()]
        line = re.sub(r"(['\"]).*?\1", " ", line)
        for ident in _IDENT.findall(line):
            if ident in keywords or len(ident) < 2:
                continue
            parts = [p.lower() for p in _CAMEL.findall(ident.replace("_", " ")) if len(p) > 1]
            # the whole identifier (heapq, deque, addEventListener) and its parts
            idents.append(ident.lower())
            idents.extend(p for p in parts if p != ident.lower())
    seen: dict[str, None] = dict.fromkeys(idents)
    return [c for c in comments if c], " ".join(seen)


class Segment(NamedTuple):
    """A sentence of an answer, or the identifiers of a block of its code (``code``, with
    the code ``lines`` they come from)."""

    text: str
    code: bool = False
    lines: tuple[str, ...] = ()


def segments(text: str) -> list[Segment]:
    """Split an answer into sentences and code, in order.

    Fenced blocks and runs of lines that read as code become their comments
    (prose) and one line of their identifiers (code); everything else is split
    into sentences, a bullet being a sentence.
    """
    out: list[Segment] = []
    last = 0
    for match in _FENCE.finditer(text):
        out.extend(_prose_and_loose_code(text[last : match.start()]))
        out.extend(_code_block(match.group(1)))
        last = match.end()
    out.extend(_prose_and_loose_code(text[last:]))
    return out


def _code_block(code: str) -> list[Segment]:
    comments, identifiers = _code_sentences(code)
    out = [Segment(s) for comment in comments for s in split_sentences(comment)]
    if identifiers:
        lines = (_COMMENT.sub("", line).strip() for line in code.splitlines())
        out.append(Segment(identifiers, True, tuple(line for line in lines if line)))
    return out


def _prose_and_loose_code(text: str) -> list[Segment]:
    lines = text.splitlines()
    if sum(1 for line in lines if _CODE_LINE.match(line)) < 2:
        return [Segment(s) for s in split_sentences(text)]
    out: list[Segment] = []
    prose: list[str] = []
    code: list[str] = []
    for line in [*lines, ""]:
        if line.strip() and (_CODE_LINE.match(line) or (code and line.startswith((" ", "\t")))):
            if prose:
                out.extend(Segment(s) for s in split_sentences("\n".join(prose)))
                prose = []
            code.append(line)
        else:
            if code:
                out.extend(_code_block("\n".join(code)))
                code = []
            prose.append(line)
    out.extend(Segment(s) for s in split_sentences("\n".join(prose)))
    return out


# ------------------------------------------------------------------------ spelling

_LONG_WORD = re.compile(r"[A-Za-z]{4,}")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance between ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    """Whether ``word`` is a word of the embedding model's vocabulary (a misspelling
    falls apart into word pieces)."""
    from mockint.grading.embeddings import default_model  # lazy: numpy and the tokenizer

    return default_model().knows(word)


def correct_spelling(text: str, vocabulary: frozenset[str]) -> str:
    """``text`` with each word the embedding vocabulary lacks ("refrenece") replaced by the word of
    ``vocabulary`` (lower-case words of the question and its key points) it misspells:
    within one edit for words of up to six letters, two for longer ones. Two words run
    together ("fasterbecause") are then split (``split_run_together``)."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if lowered in vocabulary or _known(lowered) or _known(stem(lowered)):
            return word  # a word, or an inflection of one ("frees")
        return (_nearest(lowered, vocabulary) if vocabulary else None) or split_run_together(word)

    return _LONG_WORD.sub(fix, text)


# Shortest run-together word that is split, and shortest part (shorter parts must be
# function words, "dynamicno", "directlyas", or short words of the field, "keyvalue": see
# ``[spelling] short_parts`` in grader.toml).
RUN_TOGETHER = 6
RUN_TOGETHER_PART = 4


def split_run_together(word: str) -> str:
    """``word`` split in two where it is two known words written without a space
    ("fasterbecause" -> "faster because", "dynamicno" -> "dynamic no"); ``word`` itself
    when it is a known word, an inflection of one, a lexicon word or a word of the field
    listed whole (``[spelling] whole_words`` in grader.toml: "config"), or has no such
    split. Of several splits, the one whose shorter part is longest wins."""
    lowered = word.lower()
    if len(word) < RUN_TOGETHER or not word.isalpha() or _known(lowered):
        return word
    if _known(stem(lowered)) or _derived(lowered):
        return word  # an inflected form ("inserting", "hashmaps", "updating"), not two words
    if lowered in _lexicon()[3] or lowered in _whole_words():
        return word
    fw = function_words()
    split, shorter = 0, 0
    for i in range(2, len(word) - 1):
        head, tail = lowered[:i], lowered[i:]
        if min(len(head), len(tail)) > shorter and all(
            (len(part) >= RUN_TOGETHER_PART or part in fw or part in _short_parts())
            and _known(part)
            for part in (head, tail)
        ):
            split, shorter = i, min(len(head), len(tail))
    return f"{word[:split]} {word[split:]}" if split else word


# Endings that make a word of a known one ("updat-ing", "polite-ness", "hashmap-s").
_SUFFIXES = (
    "abilities", "ibilities", "ability", "ibility", "ations", "ation", "ments", "ness", "less",
    "ment", "able", "ible", "ings", "izes", "ises", "ized", "ised", "ing", "ers", "ity", "ize",
    "ise", "ed", "er", "ly", "es", "s",
)  # fmt: skip


def _derived(word: str) -> bool:
    """Whether ``word`` is a known word with a common ending ("updating" is "update" +
    "ing", "politeness" "polite" + "ness", "stopped" "stop" + "ed"): one word the
    vocabulary lacks, not two run together."""
    for suffix in _SUFFIXES:
        base = word.removesuffix(suffix)
        if base == word or len(base) < 3:
            continue
        doubled = base[:-1] if len(base) > 3 and base[-1] == base[-2] else base
        if _known(base) or _known(base + "e") or _known(doubled):
            return True
    return False


@cache
def _short_parts() -> frozenset[str]:
    return frozenset(_grader_words()["spelling"]["short_parts"])


@cache
def _whole_words() -> frozenset[str]:
    return frozenset(_grader_words()["spelling"]["whole_words"])


def split_run_together_text(text: str) -> str:
    """``text`` with each run-together word split (``split_run_together``)."""
    return _LONG_WORD.sub(lambda m: split_run_together(m.group(0)), text)


@lru_cache(maxsize=65536)
def _nearest(word: str, vocabulary: frozenset[str]) -> str | None:
    """The word of ``vocabulary`` that ``word`` misspells, if any (see correct_spelling).

    Of words equally near, the one sharing the longest beginning with ``word`` wins, then
    the first in alphabetical order: never the set's iteration order, which changes with
    each process's hash seed ("frees" is "free", not "fees", in every run)."""
    limit = 1 if len(word) <= 6 else 2
    distances = {v: edit_distance(word, v, limit) for v in vocabulary}
    nearest = min(distances.values(), default=limit + 1)
    if nearest > limit:
        return None

    def shared(other: str) -> int:  # letters at the start that both have
        pairs = zip(word, other, strict=False)
        return sum(1 for _ in takewhile(lambda pair: pair[0] == pair[1], pairs))

    return min((v for v, d in distances.items() if d == nearest), key=lambda v: (-shared(v), v))


# ------------------------------------------------------------------------ analysis


def analyse_sentence(
    raw: str, code: bool = False, vocabulary: frozenset[str] = frozenset()
) -> Sentence:
    """Analyse one sentence; ``code`` marks a line of identifiers (never negated, never a list).

    ``vocabulary``: the question's own words, to which misspellings are corrected
    for matching (``text`` keeps what was written).
    """
    prepared = prepare(raw if code else correct_spelling(raw, vocabulary))
    tokens = words(canonicalise(prepared))
    fw = function_words()
    fw_stems = _stemmed(fw)
    pairs = concept_tokens(tokens)
    folded = [term for term, _ in pairs]
    content_pairs = [(t, w) for t, w in pairs if t not in fw_stems and w not in fw]
    content = [t for t in folded if t not in fw_stems]
    ratio = sum(1 for t in tokens if t in fw) / len(tokens) if tokens else 0.0
    negated: frozenset[str] = frozenset()
    dismissed: frozenset[str] = frozenset()
    affirmed = prepared
    if not code and may_negate(prepared):
        spans = polarity_spans(prepared)
        if any(span.negated for span in spans):
            said: dict[bool, set[str]] = {True: set(), False: set()}
            dismissed_terms: set[str] = set()
            for span in spans:
                terms = concept_tokens(words(canonicalise(span.text)))
                found = {t for t, _ in terms if t not in fw_stems}
                said[span.negated].update(found)
                if span.dismissed:
                    dismissed_terms.update(found)
            negated = frozenset(said[True] - said[False])
            dismissed = frozenset(dismissed_terms - said[False])
            affirmed = " ".join(span.text for span in spans if not span.negated)
    return Sentence(
        raw,
        tokens,
        folded,
        content,
        1.0 if code else ratio,
        words=prepared.replace(COMPLEXITY_TOKEN, "complexity"),
        pairs=content_pairs,
        negated=negated,
        affirmed=affirmed.replace(COMPLEXITY_TOKEN, "complexity"),
        dismissed=dismissed,
        code=code,
    )


def analyse(text: str, vocabulary: frozenset[str] = frozenset()) -> Analysed:
    """Analyse an answer: its sentences and code, in order (empty ones dropped).

    ``vocabulary``: see ``analyse_sentence``.
    """
    sentences = []
    for segment in segments(text):
        sentence = analyse_sentence(segment.text, segment.code, vocabulary)
        if sentence.tokens:
            sentence.lines = segment.lines
            sentences.append(sentence)
    return Analysed(text, sentences)


def code_words(line: str) -> list[str]:
    """The lower-case identifiers of a line of code and their parts ("addEventListener"
    -> "addeventlistener", "add", "event", "listener"), keywords left out."""
    return _code_sentences(line)[1].split()


@dataclass(frozen=True)
class Terms:
    """The weighted content of a key point or question."""

    weights: dict[str, float]  # term -> specificity, in the order the text says them
    surface: dict[str, str]  # term -> the word the term is read as (a concept's name)
    # term -> the words the text itself used for it ("unreachable", where ``surface`` is
    # the concept "garbage collection"): what feedback shows, so it never names a concept
    # the text did not say
    written: dict[str, str] = field(default_factory=dict)


def _terms(text: str) -> list[tuple[str, str, str]]:
    """(term, surface word, words as written) of each content word of ``text``, rubric
    phrasing removed.

    Complexity claims are left out: they are compared as classes (``claims``), and the
    letters of "O(n)" are never words."""
    skip = _stemmed(function_words() | rubric_words()) | {COMPLEXITY_TOKEN}
    return [
        found
        for found in _concept_tokens(words(canonicalise(replace_complexities(text))))
        if found[0] not in skip
    ]


@lru_cache(maxsize=4096)
def terms_of(text: str) -> Terms:
    """Content terms of rubric text, weighted by ``specificity`` (rubric phrasing removed)."""
    weights: dict[str, float] = {}
    surface: dict[str, str] = {}
    written: dict[str, str] = {}
    for term, token, as_written in _terms(text):
        if term not in weights:
            weights[term] = specificity(term)
            surface[term] = _display(token)
            written[term] = _display(as_written)
    return Terms(weights, surface, written)


def _display(token: str) -> str:
    if token.startswith(CONCEPT_MARK):
        return token[1:].replace("-", " ")
    return token


def key_terms(text: str, limit: int = 3) -> list[str]:
    """The most informative words of ``text``, for hints and feedback."""
    terms = terms_of(text)
    ranked = sorted(terms.weights, key=lambda t: -terms.weights[t])
    return [terms.written[t] for t in ranked[:limit]]
