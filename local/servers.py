"""Threaded WSGI servers on 127.0.0.1 that say which port is busy and stop cleanly."""

from __future__ import annotations

import errno
import logging
import socket
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

# werkzeug logs one line per request; the runner already logs one line per invocation.
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class PortBusy(OSError):
    def __init__(self, port: int, purpose: str) -> None:
        super().__init__(errno.EADDRINUSE, f"port {port} is busy (another make run?) - needed for {purpose}")
        self.port = port
        self.purpose = purpose

    def __str__(self) -> str:
        return str(self.strerror)


class ServerThread:
    """Serves `app` on a daemon thread; port 0 picks a free port."""

    def __init__(self, app: Any, port: int, purpose: str, host: str = "127.0.0.1") -> None:
        # werkzeug prints its own message and calls sys.exit when it cannot bind: check first.
        if port and not port_is_free(port, host):
            raise PortBusy(port, purpose)
        try:
            self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        except SystemExit:
            raise PortBusy(port, purpose) from None
        # Request threads must not keep the process alive after Ctrl-C.
        self._server.daemon_threads = True  # type: ignore[attr-defined]
        self.purpose = purpose
        self.port = int(self._server.server_port)
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._serve, name=f"http-{purpose}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        # A short poll interval keeps shutdown() (Ctrl-C, test teardown) prompt.
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
