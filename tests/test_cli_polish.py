"""The command line explains itself: --version, a line per subcommand, help for every option;
create-admin asks twice on a terminal and reads a piped password without warnings."""

from __future__ import annotations

import argparse
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tge_monitor.cli import parser


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "s" * 40})
    return env


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == "tge-monitor 0.1.0"


def _subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_subcommand_and_option_has_help() -> None:
    p = parser()
    action = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in action._choices_actions}
    for name, sub in _subparsers(p).items():
        assert helps.get(name), f"{name} has no one-line description"
        assert sub.description, f"{name} --help has no description"
        for option in sub._actions:
            if isinstance(option, argparse._HelpAction):
                continue
            assert option.help, f"{name} {option.option_strings or option.dest} has no help"
    for option in p._actions:
        assert option.help, option


@pytest.mark.parametrize("command", ["run", "web"])
def test_run_and_web_take_host_and_port(command: str) -> None:
    args = parser().parse_args([command, "--host", "0.0.0.0", "--port", "8123"])
    assert (args.host, args.port) == ("0.0.0.0", 8123)
    with pytest.raises(SystemExit):
        parser().parse_args([command, "--port", "70000"])


def test_create_admin_reads_a_piped_password_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tge_monitor", "create-admin", "root"],
        input="a-long-password-123\n",
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "created admin 'root'" in result.stdout
    assert "Warning" not in result.stderr and "echo" not in result.stderr.lower()


def _converse(argv: list[str], env: dict[str, str], answers: list[str]) -> tuple[int, str]:
    """Run argv on a pseudo-terminal, typing each answer after the next prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is its controlling terminal, so getpass uses it
        os.execve(sys.executable, [sys.executable, "-m", "tge_monitor", *argv], env)
    seen = b""
    deadline = time.monotonic() + 60
    pending = list(answers)
    since = 0  # answer only a prompt that arrived after the previous answer
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            fresh = seen[since:]
            if pending and b"assword" in fresh and fresh.rstrip().endswith(b":"):
                os.write(fd, pending.pop(0).encode() + b"\n")
                since = len(seen)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if not done:
        os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_create_admin_asks_twice_on_a_terminal(tmp_path: Path) -> None:
    env = _env(tmp_path)
    code, out = _converse(["create-admin", "boss"], env, ["first-password-1", "other-password"])
    assert code == 1 and "the two passwords differ" in out, out
    code, out = _converse(["create-admin", "boss"], env, ["same-password-1", "same-password-1"])
    assert code == 0, out
    assert "Admin password (again):" in out and "created admin 'boss'" in out
