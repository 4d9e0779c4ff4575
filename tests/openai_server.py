"""A scripted OpenAI-speaking server on 127.0.0.1:0, over real HTTP, for tests and benchmarks.

    with OpenAIServer() as server:
        server.script([ChatReply.error(429, headers={"Retry-After": "1"}), ChatReply("{...}")])
        settings = Settings(llm_base_url=server.base_url, ...)

Replies come from the script (a queue) first, then from `responder(request_json)`, else a
500 saying nothing was scripted. Every request body is kept in `requests`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import BaseModel


@dataclass
class ChatReply:
    """One scripted answer: content with usage, or an HTTP error; either after a delay."""

    content: str | None = None
    prompt_tokens: int = 100
    completion_tokens: int = 20
    finish_reason: str = "stop"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    message: str = ""  # the error message, for status >= 400
    delay: float = 0.0  # seconds before answering: latency, or past the client's timeout

    @classmethod
    def json(cls, value: BaseModel | dict[str, Any] | list[Any], **kw: Any) -> ChatReply:
        text = value.model_dump_json() if isinstance(value, BaseModel) else json.dumps(value)
        return cls(content=text, **kw)

    @classmethod
    def error(
        cls, status: int, message: str = "", headers: dict[str, str] | None = None, **kw: Any
    ) -> ChatReply:
        return cls(status=status, message=message or f"error {status}", headers=headers or {}, **kw)


Responder = Callable[[dict[str, Any]], ChatReply]
_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error"}


class OpenAIServer:
    """POST /v1/chat/completions (and GET /v1/models) with scripted answers."""

    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency  # added to every reply
        self.responder: Responder | None = None
        self.json_schema_supported = True
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._queue: deque[ChatReply] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, replies: Iterable[ChatReply]) -> None:
        """Queue replies, answered in order before the responder is asked."""
        with self._lock:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """Scripted replies not yet used."""
        return len(self._queue)

    def calls_mentioning(self, text: str) -> list[dict[str, Any]]:
        """The requests with `text` in any message (e.g. a phrase of one task's template)."""
        return [
            body
            for body in self.requests
            if any(text in str(m.get("content", "")) for m in body.get("messages", []))
        ]

    def start(self) -> OpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _reply_for(self, body: dict[str, Any]) -> ChatReply:
        response_format = body.get("response_format") or {}
        if not self.json_schema_supported and response_format.get("type") == "json_schema":
            return ChatReply.error(400, "response_format json_schema is not supported")
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return self.responder(body)
        return ChatReply.error(500, "openai_server: no reply scripted for this request")

    def _completion(self, body: dict[str, Any], reply: ChatReply) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "unknown"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
            },
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every reply on loopback.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    models = {"object": "list", "data": [{"id": "test-model", "object": "model"}]}
                    self._send(200, models)
                else:
                    self._send(404, _error_body(404, f"no route {self.path}"))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, _error_body(404, f"no route {self.path}"))
                    return
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(400, _error_body(400, "the body is not JSON"))
                    return
                with server._lock:
                    server.requests.append(body)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    reply = server._reply_for(body)
                    time.sleep(server.latency + reply.delay)
                    if reply.status >= 400:
                        self._send(reply.status, _error_body(reply.status, reply.message), reply)
                    else:
                        self._send(200, server._completion(body, reply), reply)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _send(self, status: int, payload: object, reply: ChatReply | None = None) -> None:
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (reply.headers if reply else {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout); nothing to answer

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _error_body(status: int, message: str) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": _ERROR_TYPES.get(status, "server_error" if status >= 500 else "api_error"),
            "param": None,
            "code": None,
        }
    }
