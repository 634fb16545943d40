"""Recordings as microphones make them, generated: espeak-ng speech, and the silence, room
noise, hum, beeps, coughs, clipping, telephone band and quiet speakers around it.

Used by the voice tests and by benchmarks/speech_robustness.py. Everything is 16 kHz
mono float32 (full scale 1.0) and seeded, so a case sounds the same on every run.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from mockint.voice.audio import read_wav, write_wav

RATE = 16_000
#: a microphone's own hiss, under everything (pocketsphinx decodes exact digital silence badly)
HISS = 0.002


def speech(text: str, rate: int = 150) -> np.ndarray:
    """``text`` spoken by espeak-ng at ``rate`` words a minute, trimmed of its own silence."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "speech.wav"
        subprocess.run([shutil.which("espeak-ng") or "espeak-ng", "-s", str(rate), "-w", str(raw), text],
                       check=True)  # fmt: skip
        samples = read_wav(raw)
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples


def seconds(x: np.ndarray) -> float:
    return len(x) / RATE


def hiss(duration: float, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, HISS, round(duration * RATE)).astype(np.float32)


def at_dbfs(x: np.ndarray, dbfs: float) -> np.ndarray:
    """``x`` scaled to an RMS level of ``dbfs`` (decibels below full scale)."""
    rms = float(np.sqrt(np.mean(np.square(x)))) or 1.0
    return (x / rms * 10 ** (dbfs / 20)).astype(np.float32)


def room_noise(duration: float, dbfs: float = -45, seed: int = 1) -> np.ndarray:
    """Pink noise (a fan, air conditioning, a room)."""
    count = round(duration * RATE)
    spectrum = np.fft.rfft(np.random.default_rng(seed).normal(0, 1, count))
    frequencies = np.fft.rfftfreq(count, 1 / RATE)
    spectrum[1:] /= np.sqrt(frequencies[1:])
    spectrum[0] = 0
    return at_dbfs(np.fft.irfft(spectrum, count), dbfs)


def hum(duration: float, dbfs: float = -35) -> np.ndarray:
    """Mains hum: 50 Hz and its harmonics."""
    t = np.arange(round(duration * RATE)) / RATE
    wave_ = sum(a * np.sin(2 * np.pi * f * t) for f, a in ((50, 1), (100, 0.5), (150, 0.3)))
    return at_dbfs(np.asarray(wave_), dbfs)


def beep(duration: float = 1.0, frequency: float = 1000, dbfs: float = -12) -> np.ndarray:
    t = np.arange(round(duration * RATE)) / RATE
    return at_dbfs(np.sin(2 * np.pi * frequency * t), dbfs)


def cough(seed: int = 3) -> np.ndarray:
    """A cough-like burst: 0.35 s of band-limited noise, sudden onset, fast decay."""
    count = round(0.35 * RATE)
    spectrum = np.fft.rfft(np.random.default_rng(seed).normal(0, 1, count))
    frequencies = np.fft.rfftfreq(count, 1 / RATE)
    spectrum *= np.exp(-(((frequencies - 800) / 900) ** 2))
    burst = np.fft.irfft(spectrum, count)
    t = np.arange(count) / RATE
    burst *= np.exp(-t / 0.08) * (1 - np.exp(-t / 0.01))
    return (burst / np.max(np.abs(burst)) * 0.6).astype(np.float32)


def clipped(x: np.ndarray, gain_db: float = 18, limit: float = 0.5) -> np.ndarray:
    """``x`` too loud for the input: amplified, then flattened at ``limit``."""
    return np.clip(x * 10 ** (gain_db / 20), -limit, limit).astype(np.float32)


def telephone(x: np.ndarray) -> np.ndarray:
    """``x`` through a telephone line: 300-3,400 Hz, sampled at 8 kHz (returned at 8 kHz)."""
    spectrum = np.fft.rfft(x)
    frequencies = np.fft.rfftfreq(len(x), 1 / RATE)
    spectrum[(frequencies < 300) | (frequencies > 3400)] = 0
    return np.fft.irfft(spectrum, len(x))[::2].astype(np.float32)


def join(*parts: np.ndarray) -> np.ndarray:
    return np.concatenate([p.astype(np.float32) for p in parts])


def with_hiss(x: np.ndarray, seed: int = 0) -> np.ndarray:
    return (x + hiss(seconds(x), seed)).astype(np.float32)


def save(path: Path, x: np.ndarray, rate: int = RATE) -> Path:
    """``x`` as a 16-bit PCM WAV at ``rate``."""
    if rate == RATE:
        write_wav(path, x)
        return path
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def long_silent_wav(path: Path, hours: float = 2.0) -> Path:
    """A real WAV file ``hours`` long of digital silence (16 kHz, 16-bit), written sparsely."""
    data = round(hours * 3600 * RATE) * 2
    header = b"RIFF" + struct.pack("<I", 36 + data) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * 2, 2, 16)
    header += b"data" + struct.pack("<I", data)
    with path.open("wb") as handle:
        handle.write(header)
        handle.truncate(len(header) + data)
    return path
