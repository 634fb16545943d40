"""Files mockint writes and reads beside other users and killed runs: planted links are never
followed, stale temporaries are cleaned up, and key files of the wrong shape get one line."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from mockint.errors import StorageError
from mockint.keys import get_key, key_file, set_key
from mockint.userfiles import remove_stale_temporaries, replacing, write_user_text

KEY = "AIzaSyExampleExampleExample123"


def test_a_link_planted_where_the_temporary_file_used_to_be_is_not_followed(home: Path) -> None:
    home.mkdir(parents=True)
    victim = home.parent / "victim.txt"
    victim.write_text("the victim's data\n")
    victim.chmod(0o600)
    # the old name was predictable: .keys.json.PID.tmp
    (home / f".keys.json.{os.getpid()}.tmp").symlink_to(victim)

    set_key("gemini", KEY)

    assert victim.read_text() == "the victim's data\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file().stat().st_mode) == 0o600
    assert get_key("gemini").value.get_secret_value() == KEY


def test_the_temporary_file_is_owner_only_and_gone_after_the_write(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    with replacing(target, mode=0o600) as handle:
        handle.write("x")
        temporaries = list(tmp_path.glob(".out.md.*.tmp"))
        assert len(temporaries) == 1
        assert stat.S_IMODE(temporaries[0].stat().st_mode) == 0o600
    assert target.read_text() == "x"
    assert not list(tmp_path.glob(".out.md.*.tmp"))


def test_a_failed_write_leaves_neither_a_temporary_nor_a_changed_file(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("before")
    with pytest.raises(RuntimeError), replacing(target) as handle:
        handle.write("half")
        raise RuntimeError("killed half way")
    assert target.read_text() == "before"
    assert not list(tmp_path.glob(".out.md.*.tmp"))


def test_an_output_through_a_link_writes_the_file_it_points_to_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    real = tmp_path / "real.md"
    real.write_text("before")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_user_text(link, "after")
    assert link.is_symlink() and real.read_text() == "after"


def test_an_output_that_is_a_pipe_is_written_as_a_stream_and_stays_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_user_text(fifo, "streamed")
    reader.join(timeout=10)
    assert received == ["streamed"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_an_output_device_that_fails_is_one_error_and_stays_a_device() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with pytest.raises(StorageError, match="Cannot write /dev/full: No space left on device"):
        write_user_text(Path("/dev/full"), "x" * 100_000)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_stale_temporaries_are_removed_but_never_links_or_fresh_ones(tmp_path: Path) -> None:
    target = tmp_path / "keys.json"
    stale = tmp_path / ".keys.json.4242.tmp"
    stale.write_text('{"gemini": "a key from a killed run"}')
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".keys.json.4343.tmp"
    fresh.write_text("a run writing right now")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep")
    link = tmp_path / ".keys.json.4444.tmp"
    link.symlink_to(elsewhere)
    os.utime(link, (old, old), follow_symlinks=False)

    assert remove_stale_temporaries(target) == 1
    assert not stale.exists()
    assert fresh.exists() and link.is_symlink() and elsewhere.read_text() == "keep"


def test_reading_keys_cleans_up_a_stale_temporary_holding_a_key(home: Path) -> None:
    set_key("gemini", KEY)
    stale = key_file().with_name(".keys.json.999.tmp")
    stale.write_text('{"gemini": "leftover"}')
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    get_key("gemini")
    assert not stale.exists()


@pytest.mark.parametrize("content", [b"[]", b"null", b'"a string"', b"\xff\xfe{}", b"[" * 5000])
def test_a_key_file_of_the_wrong_shape_is_one_line_and_exit_1(cli, home: Path, content) -> None:
    home.mkdir(parents=True)
    key_file().write_bytes(content)
    key_file().chmod(0o600)
    for args in (("keys", "list"), ("keys", "set", "gemini")):
        result = cli(*args, input=KEY + "\n")
        assert result.exit_code == 1, (args, result.output)
        assert "is damaged" in result.stderr and "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1
    assert key_file().read_bytes() == content  # nothing stored is changed


def test_a_key_file_that_is_a_directory_is_one_line(cli, home: Path) -> None:
    key_file().mkdir(parents=True)
    result = cli("keys", "list")
    assert result.exit_code == 1
    assert "is a directory" in result.stderr


def test_the_library_raises_storage_error_for_a_damaged_key_file(home: Path) -> None:
    home.mkdir(parents=True)
    key_file().write_text("{}")
    key_file().chmod(0o600)
    assert get_key("gemini") is None
    key_file().write_text("[1, 2]")
    with pytest.raises(StorageError):
        get_key("gemini")


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "directory"])
def test_answers_and_packs_are_read_only_from_regular_files(cli, tmp_path: Path, special) -> None:
    if special == "fifo":
        path = tmp_path / "answers.fifo"
        os.mkfifo(path)  # opening it must not wait for a writer
    elif special == "directory":
        path = tmp_path / "answers.d"
        path.mkdir()
    else:
        path = Path(special)
    for args in (("--answers", str(path)), ("--pack", str(path))):
        result = cli("start", "-t", "dsa", "-d", "easy", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    assert cli("history", "--json").stdout.count('"sessionId"') == 0  # nothing left behind


def test_answers_on_stdin_are_read_up_to_a_limit(cli, monkeypatch) -> None:
    from mockint import userfiles
    from mockint.interview import answers

    monkeypatch.setattr(userfiles, "MAX_FILE_BYTES", 64)
    monkeypatch.setattr(answers, "MAX_FILE_BYTES", 64)
    result = cli(
        "start", "-t", "dsa", "-d", "easy", "--answers", "-", input='["' + "x" * 200 + '"]'
    )
    assert result.exit_code == 2
    assert "Answers on stdin is larger than" in result.stderr


def test_one_answer_longer_than_the_limit_is_refused_naming_it() -> None:
    from mockint.errors import InputFileError
    from mockint.interview.answers import MAX_ANSWER_CHARS, parse_answers

    text = json.dumps(["short", "x" * (MAX_ANSWER_CHARS + 1)])
    with pytest.raises(InputFileError, match="answer 2 is 1,048,577 characters long"):
        parse_answers(text, origin="Answers file a.json")
    assert parse_answers(json.dumps(["x" * MAX_ANSWER_CHARS]))  # at the limit is fine


def plant(path: Path, special: str) -> None:
    """``special`` in place of ``path``: a FIFO, a link to /dev/zero, a link to a file
    that does not exist yet, or a file too big to be what mockint keeps there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if special == "fifo":
        os.mkfifo(path)
    elif special == "/dev/zero":
        path.symlink_to("/dev/zero")
    elif special == "link":
        path.symlink_to(path.parent / "victim")
    else:
        path.write_bytes(b"#" * (2 * 1024 * 1024))
        path.chmod(0o600)


SPECIAL_FILES = [
    ("config.toml", "fifo", ("models",), 2, "is not a regular file"),
    ("config.toml", "/dev/zero", ("models",), 2, "is not a regular file"),
    ("config.toml", "huge", ("models",), 2, "is larger than 1 MB"),
    ("keys.json", "fifo", ("keys", "list"), 1, "is not a regular file"),
    ("keys.json", "/dev/zero", ("keys", "list"), 1, "is not a regular file"),
    ("keys.json", "huge", ("keys", "list"), 1, "is larger than 64 KB"),
    ("mockint.db.lock", "fifo", ("history",), 1, "is not a regular file"),
    ("mockint.db.lock", "link", ("history",), 1, "is a symbolic link"),
]


@pytest.mark.parametrize(("name", "special", "args", "code", "said"), SPECIAL_FILES)
def test_a_special_file_where_mockint_keeps_one_is_one_line_never_a_hang(
    home: Path, name: str, special: str, args: tuple[str, ...], code: int, said: str
) -> None:
    import subprocess
    import sys

    plant(home / name, special)
    done = subprocess.run(
        [sys.executable, "-m", "mockint", *args],
        capture_output=True,
        text=True,
        timeout=60,  # a FIFO opened for reading would wait here for a writer
        env={**os.environ, "MOCKINT_HOME": str(home)},
    )
    assert done.returncode == code, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (home / "victim").exists()  # a link is never followed to create its target


def test_a_key_that_is_not_a_string_is_named_not_shown_as_unset(cli, home: Path) -> None:
    home.mkdir(parents=True)
    key_file().write_text('{"gemini": 5}')
    key_file().chmod(0o600)
    result = cli("keys", "list")
    assert result.exit_code == 1
    assert "holds 'gemini' with a value that is not a key" in result.stderr


def test_an_existing_output_keeps_its_permissions_and_group(tmp_path: Path) -> None:
    private = tmp_path / "notes.md"
    private.write_text("before")
    private.chmod(0o600)
    write_user_text(private, "after")
    assert private.read_text() == "after"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    shared = tmp_path / "team.md"
    shared.write_text("before")
    os.chown(shared, -1, 65534)  # another group (the tests run as root)
    shared.chmod(0o640)
    write_user_text(shared, "after")
    assert (stat.S_IMODE(shared.stat().st_mode), shared.stat().st_gid) == (0o640, 65534)


def test_a_link_another_user_planted_in_a_shared_directory_is_not_followed(
    tmp_path: Path,
) -> None:
    from mockint.errors import UsageError

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp: anyone writes, the sticky bit keeps names their own
    victim = tmp_path / "victim.md"
    victim.write_text("the victim's own text")
    victim.chmod(0o600)
    planted = shared / "report.md"
    planted.symlink_to(victim)
    os.lchown(planted, 65534, 65534)  # made by "nobody" (the tests run as root)
    with pytest.raises(UsageError, match="a link another user made"):
        write_user_text(planted, "overwritten?")
    assert victim.read_text() == "the victim's own text"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    # a link of one's own there is followed, as before
    os.lchown(planted, os.geteuid(), os.getegid())
    write_user_text(planted, "mine")
    assert victim.read_text() == "mine" and stat.S_IMODE(victim.stat().st_mode) == 0o600


def test_a_planted_directory_link_or_fifo_in_a_shared_directory_is_refused(tmp_path: Path) -> None:
    from mockint.errors import UsageError
    from mockint.history.export import make_directory

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    planted_dir = shared / "out"
    planted_dir.symlink_to(elsewhere, target_is_directory=True)
    os.lchown(planted_dir, 65534, 65534)
    with pytest.raises(UsageError, match="is a link another user made"):
        write_user_text(planted_dir / "r.md", "report")
    with pytest.raises(UsageError, match="is a link another user made"):
        make_directory(planted_dir / "exports")
    assert not any(elsewhere.iterdir())
    fifo = shared / "r.md"
    os.mkfifo(fifo)
    os.chown(fifo, 65534, 65534)
    with pytest.raises(UsageError, match="a pipe or device another user made"):
        write_user_text(fifo, "report")  # nobody reads it: refused, not a hang
