"""Delivery when speaking: pace, filler words, long pauses and talk time, from word timestamps
and voiced audio, and the normalisation of spoken technical language ("O of n" -> "O(n)")
before grading.

Talk time runs from the first word to the last, but never outside the stretches voice
activity detection heard as speech: an engine that stretches the last word over the silence
or noise after an answer does not make the answer slower. Below ``min_pace_seconds`` of talk
there is no pace figure (a blip is not 3,000 words a minute)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from itertools import pairwise
from typing import Any

from mockint.models.reports import DeliveryMetrics
from mockint.resources import load_toml
from mockint.voice.stt import Word
from mockint.voice.vad import Span


@cache
def _data() -> dict[str, Any]:
    return load_toml("speech.toml")


@cache
def _rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(r["pattern"], re.IGNORECASE), r["replace"]) for r in _data()["normalise"]
    )


def normalise(text: str) -> str:
    """Spoken technical language written the way answers are graded."""
    for pattern, replacement in _rules():
        text = pattern.sub(replacement, text)
    return text


def _tokens(words: list[Word]) -> list[str]:
    return [re.sub(r"[^a-z']", "", w.text.lower()) for w in words]


def count_fillers(words: list[Word]) -> Counter[str]:
    tokens = _tokens(words)
    found: Counter[str] = Counter()
    for filler in _data()["filler_words"]:
        parts = filler.split()
        n = len(parts)
        found[filler] += sum(tokens[i : i + n] == parts for i in range(len(tokens) - n + 1))
    return Counter({k: v for k, v in found.items() if v})


def talk_window(words: list[Word], speech: list[Span] | None = None) -> tuple[float, float]:
    """When the answer was spoken, in seconds: from the first word's start to the last word's
    end, cut to the first and last stretch of speech when ``speech`` is known and overlaps."""
    start, end = words[0].start, words[-1].end
    if speech:
        cut = max(start, speech[0].start), min(end, speech[-1].end)
        if cut[1] > cut[0]:
            return cut
    return start, end


def per_minute(count: int, seconds: float) -> float | None:
    """``count`` a minute over ``seconds`` of talk; None when there is too little talk to say."""
    if seconds < float(_data()["min_pace_seconds"]):
        return None
    return round(count / (seconds / 60), 1)


def measure(
    words: list[Word], allocated_seconds: float | None = None, speech: list[Span] | None = None
) -> DeliveryMetrics:
    """Pace, fillers, pauses and talk time of one answer; ``speech`` is where voice activity
    detection heard speech in its recording."""
    data = _data()
    low, high = data["targets"]["words_per_minute"]
    if not words:
        return DeliveryMetrics(words=0, talk_seconds=0.0, words_per_minute=None, filler_count=0,
                               fillers_per_minute=None, long_pauses=0, longest_pause_seconds=0.0,
                               allocated_seconds=allocated_seconds)  # fmt: skip
    start, end = talk_window(words, speech)
    talk = max(0.0, end - start)
    gaps = [max(0.0, min(b.start, end) - max(a.end, start)) for a, b in pairwise(words)]
    long = [g for g in gaps if g >= float(data["long_pause_seconds"])]
    fillers = count_fillers(words)
    metrics = DeliveryMetrics(
        words=len(words),
        talk_seconds=round(talk, 1),
        words_per_minute=per_minute(len(words), talk),
        filler_count=sum(fillers.values()),
        fillers=dict(fillers),
        fillers_per_minute=per_minute(sum(fillers.values()), talk),
        long_pauses=len(long),
        longest_pause_seconds=round(max(gaps, default=0.0), 1),
        allocated_seconds=allocated_seconds,
    )
    metrics.advice = advice(metrics, low, high)
    return metrics


def advice(m: DeliveryMetrics, low: float, high: float) -> list[str]:
    targets = _data()["targets"]
    notes = []
    if m.words_per_minute and not low <= m.words_per_minute <= high:
        pace = "fast" if m.words_per_minute > high else "slow"
        notes.append(
            f"{m.words_per_minute:.0f} wpm is on the {pace} side: {targets['words_per_minute_advice']}"
        )
    if m.fillers_per_minute and m.fillers_per_minute > float(targets["fillers_per_minute"]):
        notes.append(
            f"{m.fillers_per_minute:.1f} filler words a minute. {targets['fillers_advice']}"
        )
    if m.long_pauses:
        notes.append(
            f"{m.long_pauses} pause(s) over {_data()['long_pause_seconds']:g} s. {targets['pause_advice']}"
        )
    if m.allocated_seconds and m.talk_seconds > m.allocated_seconds:
        notes.append(
            f"You spoke for {m.talk_seconds:.0f} s of the {m.allocated_seconds:.0f} s allowed."
        )
    return notes


def overall(items: list[DeliveryMetrics]) -> DeliveryMetrics | None:
    """The whole interview's delivery, from each answer's."""
    spoken = [m for m in items if m.words and m.talk_seconds > 0]
    if not spoken:
        return None
    talk = sum(m.talk_seconds for m in spoken)
    words = sum(m.words for m in spoken)
    fillers: Counter[str] = Counter()
    for m in spoken:
        fillers.update(m.fillers)
    low, high = _data()["targets"]["words_per_minute"]
    total = DeliveryMetrics(
        words=words,
        talk_seconds=round(talk, 1),
        words_per_minute=per_minute(words, talk),
        filler_count=sum(fillers.values()),
        fillers=dict(fillers),
        fillers_per_minute=per_minute(sum(fillers.values()), talk),
        long_pauses=sum(m.long_pauses for m in spoken),
        longest_pause_seconds=max(m.longest_pause_seconds for m in spoken),
        allocated_seconds=sum(m.allocated_seconds or 0 for m in spoken) or None,
    )
    total.advice = advice(total, low, high)
    return total
