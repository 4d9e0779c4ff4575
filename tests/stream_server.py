"""A real HTTP server on 127.0.0.1:0 that streams bodies made as they are sent (a 2 GB
response, a 100,000-item feed) and can drip its headers; it counts the bytes it sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from conftest import QuietHTTPServer


@dataclass
class Stream:
    """A streamed answer: chunks made as they are sent, never the whole body in memory."""

    chunks: Callable[[], Iterator[bytes]]
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    chunked: bool = False  # Transfer-Encoding: chunked, no Content-Length
    head_drip: float = 0.0  # seconds between the bytes of the status line and headers


class StreamServer:
    """A real HTTP server on 127.0.0.1:0 that streams bodies; counts the bytes it sent."""

    def __init__(self) -> None:
        self.routes: dict[str, Stream] = {}
        self.sent: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                stream = server.routes[self.path]
                server.sent[self.path] = 0
                self.close_connection = True  # one answer per connection, then hang up
                try:
                    self._head(stream)
                    for chunk in stream.chunks():
                        framed = b"%x\r\n%s\r\n" % (len(chunk), chunk) if stream.chunked else chunk
                        self.wfile.write(framed)
                        server.sent[self.path] += len(chunk)
                    if stream.chunked:
                        self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what these tests want

            def _head(self, stream: Stream) -> None:
                lines = [f"HTTP/1.1 {stream.status} OK"]
                lines += [f"{name}: {value}" for name, value in stream.headers.items()]
                if stream.chunked:
                    lines.append("Transfer-Encoding: chunked")
                head = ("\r\n".join(lines) + "\r\n\r\n").encode()
                if not stream.head_drip:
                    self.wfile.write(head)
                    return
                for byte in head:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(stream.head_drip)

            def log_message(self, *args: object) -> None:
                pass

        self._server = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
