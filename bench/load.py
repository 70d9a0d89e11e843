"""Load from ``wrk``: one round is one wrk run; its requests per second are the sample."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"
CONNECTIONS = 4  # twice the web workers: none of them waits for its next request


class LoadError(RuntimeError):
    """wrk failed, or some answers were errors: the round measured nothing worth reporting."""


@dataclass(frozen=True)
class Round:
    requests: int
    per_second: float


def wrk_version() -> str:
    if not shutil.which("wrk"):
        raise LoadError("wrk is not installed (`make bench` installs Debian's package)")
    first = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def run(
    url: str,
    seconds: float,
    *,
    headers: dict[str, str] | None = None,
    script: str | None = None,
    script_args: list[str] | None = None,
    connections: int = CONNECTIONS,
) -> Round:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(LUA / script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    return parse(result.stdout + result.stderr)


def parse(output: str) -> Round:
    """Requests and rate from wrk's summary; refuses a round with errors or failed answers."""
    done = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not (done and rate):
        raise LoadError(f"wrk gave no figures:\n{output}")
    problems = re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: [^\n]+)", output)
    if problems:
        raise LoadError("; ".join(problems))
    return Round(int(done.group(1)), float(rate.group(1)))
