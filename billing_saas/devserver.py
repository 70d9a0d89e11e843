"""``make dev``: embedded services, migrations, demo data, then web + worker + beat in one terminal.

Run as ``python -m billing_saas.devserver [--port 8000]``. Ctrl-C (SIGINT) or SIGTERM stops the
web server, the worker, beat, the emulators and the embedded PostgreSQL and Redis it started,
also when it was started in the background of a script (where SIGINT arrives ignored).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from billing_saas import embedded_services

BASE_DIR = Path(__file__).resolve().parent.parent


def _log(message: str) -> None:
    print(f"\033[1;34m[dev]\033[0m {message}", flush=True)


class DevStack:
    def __init__(self, port: int, data_dir: Path, host: str = "127.0.0.1"):
        self.port = port
        self.host = host
        self.data_dir = data_dir
        self.env = dict(
            os.environ,
            DATA_DIR=str(data_dir),
            APP_ENV="development",
            PYTHONUNBUFFERED="1",
            SITE_PORT=str(port),
        )
        self.children: list[subprocess.Popen] = []
        self.started_postgres = False
        self.started_redis = False

    # -- services ----------------------------------------------------------------------
    def start_services(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Flagged before starting: a stop requested while a server boots still stops it.
        if not self.env.get("DATABASE_URL"):
            _log(f"starting embedded PostgreSQL in {self.data_dir / 'postgres'}")
            self.started_postgres = True
            self.env["DATABASE_URL"] = embedded_services.ensure_postgres(self.data_dir / "postgres")
        if not self.env.get("REDIS_URL"):
            _log("starting embedded Redis")
            self.started_redis = True
            self.env["REDIS_URL"] = embedded_services.ensure_redis(self.data_dir / "redis")

    def start_stripe_emulator(self) -> None:
        """Without real Stripe keys, the app talks to the offline emulator (its own process)."""
        if self.env.get("STRIPE_TEST_SECRET_KEY") or self.env.get("STRIPE_API_BASE"):
            return
        self._start_emulator(
            "stripe", "STRIPE_EMULATOR_PORT", 12111,
            "--webhook-url", f"http://localhost:{self.port}/webhooks/stripe/test/",
            "--state-file", str(self.data_dir / "stripe-emulator.json"),
        )  # fmt: skip

    def start_quickbooks_emulator(self) -> None:
        """Without Intuit keys, the app talks to the offline QuickBooks emulator."""
        if self.env.get("QUICKBOOKS_CLIENT_ID"):
            return
        self._start_emulator(
            "quickbooks", "QUICKBOOKS_EMULATOR_PORT", 12112,
            "--webhook-url", f"http://localhost:{self.port}/webhooks/quickbooks/",
        )  # fmt: skip

    def start_twilio_emulator(self) -> None:
        """Without a Twilio account, SMS go to the offline emulator (its page shows them)."""
        if self.env.get("TWILIO_ACCOUNT_SID"):
            return
        self._start_emulator(
            "twilio", "TWILIO_EMULATOR_PORT", 12113,
            "--inbound-url", f"http://localhost:{self.port}/webhooks/twilio/inbound/",
        )  # fmt: skip

    def _start_emulator(self, platform: str, port_variable: str, default_port: int,
                        *args: str) -> None:  # fmt: skip
        """``python -m emulators.<platform>`` in its own process, on a stable port (the links
        it saved stay valid across restarts), and the app's settings pointed at it."""
        settings_for = importlib.import_module(f"emulators.{platform}.server").app_settings
        port = self._emulator_port(port_variable, default_port)
        url = f"http://127.0.0.1:{port}"
        name = {"stripe": "Stripe", "quickbooks": "QuickBooks", "twilio": "Twilio"}[platform]
        _log(f"starting the {name} emulator on {url}")
        self.spawn(
            f"{platform}-emulator", sys.executable, "-m", f"emulators.{platform}",
            "--port", str(port), *args,
        )  # fmt: skip
        self.env.update(settings_for(url))
        self._wait_for_port(port, f"the {name} emulator")

    def _emulator_port(self, variable: str, default: int) -> int:
        """The emulator's usual port, or a free one when something already listens there."""
        port = int(self.env.get(variable) or default)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
        except OSError:
            return port
        return embedded_services.free_port()

    def _wait_for_port(self, port: int, what: str) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{what} did not start")

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env, check=True)

    def prepare(self) -> None:
        _log("applying migrations")
        self.manage("migrate_schemas", "--executor=multiprocessing", "-v", "0")
        _log("seeding the demo account")
        self.manage("seed_demo")

    # -- processes ---------------------------------------------------------------------
    def spawn(self, name: str, *args: str) -> None:
        # Each child leads its own process group so the whole tree (runserver's reloader,
        # Celery's pool) can be stopped at once.
        process = subprocess.Popen(list(args), cwd=BASE_DIR, env=self.env, start_new_session=True)
        process.name = name  # type: ignore[attr-defined]
        self.children.append(process)

    def start_processes(self, reload: bool = True) -> None:
        web = [sys.executable, "manage.py", "runserver", f"{self.host}:{self.port}"]
        if not reload:
            web.append("--noreload")
        self.spawn("web", *web)
        celery = [sys.executable, "-m", "celery", "-A", "billing_saas"]
        self.spawn(
            "worker",
            *celery,
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--hostname",
            f"dev-worker-{self.port}@%h",
        )
        self.spawn(
            "beat",
            *celery,
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(self.data_dir / "celerybeat-schedule"),
        )

    def print_welcome(self) -> None:
        from tenants.demo import DEMO_EMPLOYEE, DEMO_OWNER, DEMO_PASSWORD

        base = f"http://localhost:{self.port}"
        demo = f"http://demo.localhost:{self.port}"
        lines = [
            "",
            "  billing_saas is running",
            f"  Sign up:        {base}/signup/",
            f"  Demo account:   {demo}/accounts/login/",
            f"    owner:        {DEMO_OWNER[1]} / {DEMO_PASSWORD}",
            f"    employee:     {DEMO_EMPLOYEE[1]} / {DEMO_PASSWORD}",
            f"  Dev outbox:     {demo}/dev/outbox/  (and {base}/dev/outbox/)",
            f"  Health:         {base}/healthz",
            f"  Stripe:         {self.env.get('STRIPE_API_BASE') or 'your keys'}"
            + (
                "  (offline emulator; pay with 4242 4242 4242 4242)"
                if self.env.get("STRIPE_TEST_SECRET_KEY") == "sk_test_emulator"
                else ""
            ),
            f"  QuickBooks:     {self.env.get('QUICKBOOKS_API_BASE') or 'your Intuit app'}"
            + (
                "  (offline emulator; `make dev DEMO_PLATFORM=quickbooks` connects the demo)"
                if self.env.get("QUICKBOOKS_API_BASE")
                else ""
            ),
            f"  SMS (Twilio):   {self.env.get('TWILIO_API_BASE') or 'your Twilio account'}"
            + (
                "  (offline emulator: read and answer SMS there)"
                if self.env.get("TWILIO_API_BASE")
                else ""
            ),
            "  Ctrl-C stops everything.",
            "",
        ]
        print("\n".join(lines), flush=True)

    def wait(self) -> int:
        while True:
            for child in self.children:
                code = child.poll()
                if code is not None:
                    _log(f"{child.name} exited with code {code}; stopping")
                    return code or 1
            time.sleep(0.3)

    def stop(self) -> None:
        # Signal every child's whole group, even when its leader already exited: runserver's
        # reloaded server or Celery's pool may still be running in it.
        for child in self.children:
            _signal_group(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in self.children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.pid, signal.SIGKILL)
                child.wait()
            _signal_group(child.pid, signal.SIGKILL)  # whatever the leader left behind
        if self.started_redis:
            _log("stopping embedded Redis")
            embedded_services.stop_redis(self.data_dir / "redis")
        if self.started_postgres:
            _log("stopping embedded PostgreSQL")
            embedded_services.stop_postgres(self.data_dir / "postgres")


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _stop_requested(signum, frame):
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Make SIGINT and SIGTERM alike stop the stack.

    A background job of a non-interactive shell (``make dev &`` in a script) starts with
    SIGINT ignored, and Python then installs no KeyboardInterrupt handler of its own: without
    an explicit handler Ctrl-C would never reach us. Installing handlers also gives every
    child we start the default dispositions back (exec resets caught signals, not ignored ones).
    """
    for signum in STOP_SIGNALS:
        signal.signal(signum, _stop_requested)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("DATA_DIR", BASE_DIR / ".data"))
    )
    parser.add_argument("--no-reload", action="store_true", help="disable runserver's autoreload")
    args = parser.parse_args(argv)

    stack = DevStack(args.port, args.data_dir)
    stop_on_signals()
    code = 0
    try:
        stack.start_services()
        stack.start_stripe_emulator()
        stack.start_quickbooks_emulator()
        stack.start_twilio_emulator()
        stack.prepare()
        stack.start_processes(reload=not args.no_reload)
        stack.print_welcome()
        code = stack.wait()
    except KeyboardInterrupt:
        _log("stopping")
    except subprocess.CalledProcessError as exc:
        _log(f"a set-up step failed: {exc}")
        code = 1
    finally:
        # A second Ctrl-C or SIGTERM must not cut the clean-up short.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        stack.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
