"""A call held in the terminal over Vapi's WebSocket transport, against the local server
that speaks it (tests/vapi_socket_server.py), each figure next to a baseline from the
same run:

1. From `start` to the first interviewer audio frame (target: under 1.5 s), with the
   call's creation (`POST /call`) and the socket's opening timed: `mockint start --mode
   vapi --answers-audio DIR --no-playback` run as a fresh process (fresh MOCKINT_HOME)
   each time, against a bare client with no mockint (a `python -c` that imports httpx and
   websockets, posts the same body, connects and waits for the first binary frame): the
   floor of interpreter start, HTTP and handshake. Every time is on CLOCK_MONOTONIC,
   which processes share: the start just before the process is spawned, the rest where
   the server saw them.
2. Microphone to socket (target: a frame every 20 ms +/- 5 ms, no gaps, for 5 minutes;
   the audio path under 10% of one core): a `LiveCall` in this process with a source
   that emulates a microphone (a tone paced by `FrameClock`), against the server in a
   separate process, so that this process's CPU time is the client's alone; against a
   naive sender (`ws.send(frame); time.sleep(0.02)` in a loop) on a plain connection.

    python benchmarks/vapi_transport.py [--runs 10] [--seconds 300] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from pydantic import SecretStr
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
# the local Vapi, its key, and the interview the tests hold over it
from conftest import VAPI_PRIVATE
from mockint.enums import Duplex
from mockint.questions.packs import parse_pack
from mockint.runners.base import AnswerRequest, CallView, Entry, Progress, Tone
from mockint.vapi.media import FRAME_SECONDS, WavSink
from mockint.vapi.transport import CallEnd, LiveCall
from sounds import beep, save
from test_vapi import PACK
from test_vapi_socket import script
from vapi_socket_server import Script, ToneMicrophone, start_live_vapi

ROOT = Path(__file__).resolve().parent.parent
START_TARGET = 1.5  # seconds from `start` to the first interviewer audio frame
JITTER = 0.005  # seconds either side of FRAME_SECONDS an interval may be
GAP = FRAME_SECONDS + JITTER  # an interval longer than this is a gap
CPU_TARGET = 10.0  # percent of one core
#: keys and settings from the environment that must not reach the runs; bytecode is
#: written (by the run not counted), as an installed package has it
CLEARED = ("VAPI_PUBLIC_KEY", "VAPI_PRIVATE_KEY", "VAPI_WEBHOOK_SECRET", "VAPI_PHONE_NUMBER_ID",
           "MOCKINT_VAPI_BASE_URL", "MOCKINT_HOME", "MOCKINT_DEBUG",
           "PYTHONDONTWRITEBYTECODE")  # fmt: skip

BARE_CLIENT = """
import json, sys
import httpx
from websockets.sync.client import connect

base, key, body = sys.argv[1], sys.argv[2], json.loads(open(sys.argv[3]).read())
headers = {"Authorization": f"Bearer {key}"}
reply = httpx.post(f"{base}/call", json=body, headers=headers)
reply.raise_for_status()
url = reply.json()["transport"]["websocketCallUrl"]
with connect(url, additional_headers=headers, compression=None) as ws:
    for message in ws:
        if isinstance(message, bytes):
            break
    ws.send(json.dumps({"type": "end-call"}))
"""


# --- 1. from `start` to the first interviewer audio frame ------------------------------


@dataclass(frozen=True)
class Start:
    """One run's moments (monotonic seconds): spawned, call created, socket open, first
    interviewer frame sent."""

    spawned: float
    created: float
    opened: float
    first_audio: float

    def phases(self) -> dict[str, float]:
        return {
            "start -> call created": self.created - self.spawned,
            "created -> socket open": self.opened - self.created,
            "socket open -> first audio": self.first_audio - self.opened,
            "start -> first audio": self.first_audio - self.spawned,
        }


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return {**env, **extra}


def timed_call(command: Callable[[str], list[str]]) -> tuple[Start, dict[str, Any]]:
    """Run ``command(base_url)`` against a fresh local Vapi; its moments and the body of
    its ``POST /call``."""
    live, stop = start_live_vapi(script())
    try:
        with tempfile.TemporaryDirectory() as home:
            env = clean_env(MOCKINT_HOME=home, MOCKINT_VAPI_BASE_URL=live.url,
                            VAPI_PRIVATE_KEY=VAPI_PRIVATE)  # fmt: skip
            spawned = time.monotonic()
            done = subprocess.run(command(live.url), capture_output=True, text=True, env=env,
                                  timeout=120, check=False)  # fmt: skip
            if done.returncode != 0:
                raise RuntimeError(f"{command(live.url)[:4]} failed:\n{done.stderr}")
        post = next(r for r in live.rest.requests if (r["method"], r["path"]) == ("POST", "/call"))
        assert live.connected_at is not None and live.first_audio_sent_at is not None
        moments = Start(spawned, post["replied_at"], live.connected_at, live.first_audio_sent_at)
        return moments, post["body"]
    finally:
        stop()


def measure_start(runs: int, folder: Path) -> dict[str, Any]:
    pack = folder / "pack.toml"
    pack.write_text(PACK, encoding="utf-8")
    answers = folder / "answers"
    answers.mkdir()
    for n in range(1, 4):
        save(answers / f"{n:02d}.wav", beep(0.5, frequency=300 + 100 * n))
    start = [sys.executable, "-m", "mockint", "start", "--pack", str(pack), "--mode", "vapi",
             "--answers-audio", str(answers), "--no-playback", "--provider", "offline", "--json"]  # fmt: skip
    body_file = folder / "body.json"
    bare_client = [sys.executable, "-c", BARE_CLIENT]
    mockint: list[Start] = []
    bare: list[Start] = []
    for run in range(runs + 1):  # alternated, so that both see the same machine
        moments, body = timed_call(lambda url: start)
        body_file.write_text(json.dumps(body), encoding="utf-8")
        floor, _ = timed_call(lambda url: [*bare_client, url, VAPI_PRIVATE, str(body_file)])
        if run:  # the first of each compiles bytecode and fills the page cache: not counted
            mockint.append(moments)
            bare.append(floor)
    return {"runs": runs, "mockint": summarise_starts(mockint), "bare": summarise_starts(bare),
            "body": json.loads(body_file.read_text(encoding="utf-8"))}  # fmt: skip


def summarise_starts(runs: list[Start]) -> dict[str, dict[str, float]]:
    phases = [run.phases() for run in runs]
    return {
        name: {"median": statistics.median(p[name] for p in phases),
               "max": max(p[name] for p in phases)}
        for name in phases[0]
    }  # fmt: skip


def print_start(result: dict[str, Any]) -> None:
    print(f"1. From `start` to the first interviewer audio frame ({result['runs']} runs each "
          "after one not counted; a fresh process and MOCKINT_HOME each)")  # fmt: skip
    print(f"  {'':28s} {'mockint start':>21s} {'bare client':>21s} {'target':>14s}")
    print(f"  {'(ms)':28s} {'median':>10s} {'max':>10s} {'median':>10s} {'max':>10s}")
    for name, ours in result["mockint"].items():
        floor = result["bare"][name]
        verdict = ""
        if name == "start -> first audio":
            verdict = " ".join(
                f"{'PASS' if ours[k] < START_TARGET else 'MISS'}({k})" for k in ("median", "max")
            )
        print(f"  {name:28s} {ours['median'] * 1000:10.0f} {ours['max'] * 1000:10.0f} "
              f"{floor['median'] * 1000:10.0f} {floor['max'] * 1000:10.0f}  {verdict}")  # fmt: skip
    print(
        f"  target: under {START_TARGET:g} s. 'Call created': the server wrote its reply to "
        "POST /call; 'socket open': the server finished the WebSocket handshake; 'first "
        "audio': the server sent the first interviewer frame (the client writes it to its "
        "sink on receipt: on 127.0.0.1, under a millisecond later). The bare client is a "
        "`python -c` importing httpx and websockets, posting the same body: the floor."
    )
    print()


# --- 2. microphone to socket -----------------------------------------------------------


class NullDisplay:
    """A display that draws nothing (the view is still built ten times a second)."""

    def question(self, question: object, position: int, total: int) -> None:
        pass

    def progress(self, progress: Progress) -> None:
        pass

    def ask(self, prompt: str, timer: Progress | None = None) -> str:
        raise EOFError

    def answer(self, request: AnswerRequest) -> Entry:
        raise EOFError

    def say(self, message: str, tone: Tone = Tone.NOTE) -> None:
        pass

    def busy(self, message: str) -> AbstractContextManager[object]:
        return nullcontext()

    def live_call(self, view: CallView) -> None:
        pass

    def open_link(self, url: str) -> None:
        pass

    def idle(self) -> None:
        pass


def serve_one_call(question: str, conn: Connection) -> None:
    """In a process of its own: a local Vapi whose interviewer asks ``question`` (2 s of
    audio, paced) and then listens; the tone the client sends never ends the candidate's
    turn (that needs quiet). Sends its URL, then, when told, what it received."""
    live, stop = start_live_vapi(Script(questions=[question], answers=["Hmm."], pace=True,
                                        speak_seconds=2.0))  # fmt: skip
    conn.send(live.url)
    conn.recv()
    live.closed.wait(15)
    conn.send({"frames": [at for at, _ in live.frames], "asked": live.asked,
               "turns": len(live.messages)})  # fmt: skip
    stop()


@contextmanager
def server_process(question: str) -> Iterator[tuple[str, Connection]]:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=serve_one_call, args=(question, theirs), daemon=True
    )
    process.start()
    try:
        yield ours.recv(), ours
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()


def socket_url(base: str, body: dict[str, Any]) -> str:
    reply = httpx.post(f"{base}/call", json=body,
                       headers={"Authorization": f"Bearer {VAPI_PRIVATE}"})  # fmt: skip
    reply.raise_for_status()
    return str(reply.json()["transport"]["websocketCallUrl"])


def memory() -> dict[str, float]:
    """This process's resident memory now and at its peak (MB), from /proc."""
    status = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    fields = {line.split(":")[0]: line.split()[1] for line in status if line.startswith("Vm")}
    return {"rss": int(fields["VmRSS"]) / 1024, "peak": int(fields["VmHWM"]) / 1024}


def reset_peak() -> bool:
    """Start this process's peak RSS over from now (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


@contextmanager
def metered(out: dict[str, Any]) -> Iterator[None]:
    """CPU time of this process (all threads) over wall time, and memory, into ``out``."""
    fresh = reset_peak()
    before = memory()
    cpu, wall = time.process_time(), time.monotonic()
    yield
    out["cpu_seconds"] = time.process_time() - cpu
    out["wall_seconds"] = time.monotonic() - wall
    out["cpu_percent"] = 100 * out["cpu_seconds"] / out["wall_seconds"]
    after = memory()
    out["rss_before_mb"] = before["rss"]
    out["peak_rss_mb"] = after["peak"] if fresh else resource.getrusage(0).ru_maxrss / 1024
    out["peak_is_since_start"] = fresh


def live_call(seconds: float, body: dict[str, Any], question: Any, folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with server_process(question.text) as (base, conn):
        call = LiveCall(socket_url(base, body), SecretStr(VAPI_PRIVATE),
                        source=ToneMicrophone(), sink=WavSink(folder / "interviewer.wav"),
                        display=NullDisplay(), questions=[question], duplex=Duplex.HALF,
                        timeout=seconds, recorder=WavSink(folder / "candidate.wav"))  # fmt: skip
        call.connect()
        with metered(out):
            end = call.run()
        conn.send("done")
        server = conn.recv()
    out.update(end=str(end), sent=call.stats.sent_at, arrived=server["frames"],
               turns=server["turns"], received_frames=call.stats.received_frames)  # fmt: skip
    if end != CallEnd.TIMEOUT:
        raise RuntimeError(f"the call ended early ({end}, {call.ended_reason})")
    return out


def naive_sender(seconds: float, body: dict[str, Any], question: Any) -> dict[str, Any]:
    """``ws.send(frame); time.sleep(0.02)`` for ``seconds``, what arrives drained and
    dropped by a thread (as LiveCall's receiver does)."""
    out: dict[str, Any] = {}
    frame = ToneMicrophone().frame
    sent: list[float] = []
    with server_process(question.text) as (base, conn):
        headers = {"Authorization": f"Bearer {VAPI_PRIVATE}"}
        with connect(socket_url(base, body), additional_headers=headers,
                     compression=None) as ws:  # fmt: skip
            drain = threading.Thread(target=lambda: [None for _ in ws], daemon=True)
            drain.start()
            with metered(out):
                until = time.monotonic() + seconds
                while time.monotonic() < until:
                    ws.send(frame)
                    sent.append(time.monotonic())
                    time.sleep(FRAME_SECONDS)
            ws.send(json.dumps({"type": "end-call"}))
            drain.join(timeout=10)
        conn.send("done")
        server = conn.recv()
    out.update(sent=sent, arrived=server["frames"], turns=server["turns"])
    return out


def intervals(times: list[float]) -> dict[str, float]:
    """How evenly ``times`` (monotonic seconds) are spaced, in ms; counts of intervals
    outside FRAME_SECONDS +/- JITTER and over GAP."""
    gaps = np.diff(np.asarray(times)) * 1000
    low, high = (FRAME_SECONDS - JITTER) * 1000, GAP * 1000
    return {
        "frames": len(times),
        "expected": math.floor((times[-1] - times[0]) / FRAME_SECONDS) + 1,
        "mean": float(gaps.mean()),
        "p50": float(np.percentile(gaps, 50)),
        "p99": float(np.percentile(gaps, 99)),
        "min": float(gaps.min()),
        "max": float(gaps.max()),
        "outside": int(np.sum((gaps < low) | (gaps > high))),
        "gaps": int(np.sum(gaps > high)),
    }


def measure_stream(seconds: float, body: dict[str, Any], folder: Path) -> dict[str, Any]:
    question = parse_pack(PACK).questions[0]
    ours = live_call(seconds, body, question, folder)
    naive = naive_sender(seconds, body, question)
    result: dict[str, Any] = {"seconds": seconds}
    for name, run in (("live_call", ours), ("naive", naive)):
        result[name] = {
            "client": intervals(run["sent"]),
            "server": intervals(run["arrived"]),
            **{k: run[k] for k in ("cpu_seconds", "wall_seconds", "cpu_percent", "rss_before_mb",
                                   "peak_rss_mb", "peak_is_since_start", "turns")},
        }  # fmt: skip
    result["live_call"]["end"] = ours["end"]
    result["live_call"]["interviewer_frames_received"] = ours["received_frames"]
    return result


def print_stream(result: dict[str, Any]) -> None:
    ours, naive = result["live_call"], result["naive"]
    print(f"2. Microphone to socket: {result['seconds']:g} s of a tone paced by FrameClock "
          "(LiveCall, half duplex, candidate audio kept) against a naive sender "
          "(send; sleep 20 ms)")  # fmt: skip
    print(
        f"  {'':26s} {'LiveCall':>10s} {'(server)':>10s} {'naive':>10s} {'(server)':>10s}  target"
    )
    rows: list[tuple[str, str, Callable[[float], str]]] = [
        ("frames sent / received", "frames", lambda v: f"{v:.0f}"),
        ("expected over that span", "expected", lambda v: f"{v:.0f}"),
        ("interval mean (ms)", "mean", lambda v: f"{v:.2f}"),
        ("interval p50 (ms)", "p50", lambda v: f"{v:.2f}"),
        ("interval p99 (ms)", "p99", lambda v: f"{v:.2f}"),
        ("interval min (ms)", "min", lambda v: f"{v:.2f}"),
        ("interval max (ms)", "max", lambda v: f"{v:.2f}"),
        ("outside 20 +/- 5 ms", "outside", lambda v: f"{v:.0f}"),
        ("gaps (> 25 ms)", "gaps", lambda v: f"{v:.0f}"),
    ]
    for label, key, fmt in rows:
        values = [ours["client"][key], ours["server"][key], naive["client"][key],
                  naive["server"][key]]  # fmt: skip
        target = ""
        if key in ("outside", "gaps"):
            target = "0: " + " ".join(
                f"{'PASS' if v == 0 else 'MISS'}({side})"
                for side, v in (("client", values[0]), ("server", values[1]))
            )
        elif key == "frames":
            short = ours["client"]["expected"] - values[0]
            target = f"all: {'PASS' if abs(short) <= 1 else 'MISS'} ({short:+d} vs expected)"
        print(f"  {label:26s} " + " ".join(f"{fmt(v):>10s}" for v in values) + f"  {target}")
    cpu_verdict = "PASS" if ours["cpu_percent"] < CPU_TARGET else "MISS"
    print(f"  {'CPU, % of one core':26s} {ours['cpu_percent']:10.2f} {'':10s} "
          f"{naive['cpu_percent']:10.2f} {'':10s}  < {CPU_TARGET:g}%: {cpu_verdict}")  # fmt: skip
    for label, key in (("  CPU seconds", "cpu_seconds"), ("  wall seconds", "wall_seconds"),
                       ("RSS at the start (MB)", "rss_before_mb")):  # fmt: skip
        print(f"  {label:26s} {ours[key]:10.2f} {'':10s} {naive[key]:10.2f}")
    since = "during the call" if ours["peak_is_since_start"] else "of the whole process"
    print(f"  {'peak RSS (MB)':26s} {ours['peak_rss_mb']:10.1f} {'':10s} "
          f"{naive['peak_rss_mb']:10.1f}  ({since}; the process also holds this benchmark "
          "and the local server's SDK models)")  # fmt: skip
    print(f"  The call ended by: {ours['end']}; candidate turns the server closed: "
          f"{ours['turns'] - 1} (the tone never leaves the quiet a turn needs); interviewer "
          f"frames received: {ours['interviewer_frames_received']}.")  # fmt: skip
    print(
        "  Client: monotonic time after each ws.send (stats.sent_at); server: arrival in the "
        "server's process. CPU: this process's CPU time (every thread: sender, receiver, "
        "the view drawn ten times a second to a display that draws nothing, the WAV "
        "writers) over the wall time of the call; the server runs in another process."
    )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument(
        "--runs", type=int, default=10, help="runs of `start` (and of the bare client)"
    )
    parser.add_argument("--seconds", type=float, default=300, help="length of each streamed call")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = measure_start(args.runs, folder)
        if not args.json:
            print_start(start)
        stream = measure_stream(args.seconds, start.pop("body"), folder)
    if args.json:
        print(json.dumps({"start": start, "stream": stream}, indent=2))
    else:
        print_stream(stream)


if __name__ == "__main__":
    main()
