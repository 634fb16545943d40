"""Questions read aloud: espeak-ng (a system package) or pyttsx3; or not at all (--no-tts)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from typing import Protocol


class Speaker(Protocol):
    def say(self, text: str) -> None: ...


class Silent:
    def say(self, text: str) -> None:
        return None


class Espeak:
    """espeak-ng (or espeak) run as a program: it speaks through the default audio output."""

    def __init__(self, program: str, words_per_minute: int = 160) -> None:
        self.program, self.rate = program, words_per_minute

    def say(self, text: str) -> None:
        subprocess.run(
            [self.program, "-s", str(self.rate), "--", text],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )


class Pyttsx3:
    def __init__(self) -> None:
        import pyttsx3  # type: ignore[import-not-found]

        self.engine = pyttsx3.init()

    def say(self, text: str) -> None:
        self.engine.say(text)
        self.engine.runAndWait()


def get_speaker(enabled: bool, note: Callable[[str], None]) -> Speaker:
    if not enabled:
        return Silent()
    program = shutil.which("espeak-ng") or shutil.which("espeak")
    if program:
        return Espeak(program)
    try:
        return Pyttsx3()
    except Exception:  # not installed, or no speech driver on this system
        note(
            "No text-to-speech found (install espeak-ng, e.g. `sudo apt install espeak-ng`); "
            "questions are shown only."
        )
        return Silent()
