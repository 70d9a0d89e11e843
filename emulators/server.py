"""A threaded WSGI server for the offline platform emulators (tests and `make dev`)."""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

log = logging.getLogger(__name__)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        log.debug("emulator: " + format, *args)


class EmulatorServer:
    """Serves ``app`` on ``host:port`` (0 = a free port); ``url`` is where it listens."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        self.server = make_server(
            host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.url = f"http://{host}:{self.server.server_port}"
        self._thread: threading.Thread | None = None

    def start(self):
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self.server.serve_forever()
        finally:
            self.server.server_close()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HostedEmulator:
    """An emulated platform served over HTTP: subclasses build ``self.app`` (their WSGI app)
    after calling this, once ``self.url`` is known (their pages and links carry it)."""

    app = None

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.http = EmulatorServer(lambda environ, start: self.app(environ, start), host, port)
        self.server = self.http.server
        self.url = self.http.url

    def start(self):
        self.http.start()
        return self

    def stop(self) -> None:
        self.http.stop()
