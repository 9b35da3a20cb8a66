"""``framing serve``: the draft check as a local web app (FastAPI), with the model loaded once.

Routes: ``POST /api/analyze`` (text in, :class:`~framing.pipeline.results.DocumentResult` JSON out),
``GET /api/labels``, ``POST /api/extract`` (a ``.docx`` file's text), ``GET /`` (the page, whose
assets are all served from ``/static``) and the OpenAPI schema at ``/openapi.json`` (``/docs``).

Example:
    >>> from fastapi.testclient import TestClient  # doctest: +SKIP
    >>> client = TestClient(create_app(FramingModel.from_pretrained()))  # doctest: +SKIP
    >>> reply = client.post("/api/analyze", json={"text": 'Russian "peacekeepers" left.'})  # doctest: +SKIP
    >>> reply.json()["spans"][0]["label"]  # doctest: +SKIP
    'SCARE_QUOTE'
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from framing import __version__, guards
from framing.errors import DataError, TooLargeError
from framing.modeling import FramingModel
from framing.web.analyzer import TURN_SENTENCES, Analyzer
from framing.web.schemas import (  # noqa: F401  (SpanOut, SentenceOut: the API's schema, importable from here)
    AnalyzeRequest,
    DocumentResultOut,
    ExtractOut,
    LabelOut,
    LabelsOut,
    SentenceOut,
    SpanOut,
)

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_MAX_CHARS = 200_000
MAX_DOCX_BYTES = 10_000_000
# Sensitivity moves every threshold by this much per unit: +1 flags what scores 0.25 below
# the tuned threshold, -1 only what scores 0.25 above it.
# Content Security Policy: the page loads only its own assets, so injected markup could not run
# even if some text were ever inserted as HTML.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_RAW_SECURITY_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message})


def docx_text(data: bytes, max_chars: int | None = None) -> str:
    """The paragraphs of a ``.docx`` file as plain text, one blank line between paragraphs, read with
    bounded expansion, memory and time (:func:`framing.guards.docx_text`).

    Example:
        >>> import docx, io; d = docx.Document(); _ = d.add_paragraph("One."); buf = io.BytesIO(); d.save(buf)
        >>> docx_text(buf.getvalue())
        'One.'
    """
    return guards.docx_text(data, max_chars)


class BodyLimit:
    """ASGI middleware in front of every route: a POST body over its route's byte limit gets 413 as soon as
    it passes the limit, whether the client sent ``Content-Length`` or chunked transfer encoding; a JSON
    body that is not UTF-8 or nests too deep gets 422 with the reason; a foreign ``Host`` (DNS rebinding)
    gets 400 and a cross-site POST 403 or 415; every response, 413 and 500 included, carries the security
    headers."""

    def __init__(self, app, limit_for, allowed_hosts: set[str] | None = None) -> None:
        self.app = app
        self.limit_for = limit_for
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_secured(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _RAW_SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        headers = dict(scope.get("headers") or [])
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            return await _error(*refusal)(scope, receive, send_secured)
        if scope["method"] != "POST":
            return await self.app(scope, receive, send_secured)
        limit = self.limit_for(scope["path"])
        length = headers.get(b"content-length", b"").decode("latin-1")
        if length.isdigit() and int(length) > limit:
            return await _error(413, f"request too large: {int(length):,} bytes; the limit is {limit:,}")(
                scope, receive, send_secured)
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await _error(413, f"request too large: more than {limit:,} bytes; the limit is {limit:,}")(
                    scope, receive, send_secured)
        if scope["path"] == "/api/analyze":
            problem = _json_body_problem(bytes(body), headers.get(b"content-type", b"").decode("latin-1"))
            if problem is not None:
                return await _error(422, problem)(scope, receive, send_secured)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send_secured)


    def _refusal(self, scope, headers: dict) -> tuple[int, str] | None:
        """DNS rebinding (a Host that is not this server) and cross-site "simple" POSTs are refused."""
        host = headers.get(b"host", b"").decode("latin-1")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = name.strip("[]").lower()
        if self.allowed_hosts is not None and name not in self.allowed_hosts:
            return 400, (f"Host header {host!r} is not this server ({', '.join(sorted(self.allowed_hosts))}); "
                         "open the page at the address framing serve printed")
        if scope["method"] == "POST":
            if headers.get(b"sec-fetch-site", b"") == b"cross-site":
                return 403, "cross-site requests are refused; open the page served by framing serve"
            kind = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
            if scope["path"] == "/api/extract" and kind in _SIMPLE_TYPES:
                return 415, ("send the .docx file as application/octet-stream (a form post is not accepted, so "
                             "that other sites cannot post to this server)")
        return None


# Content types a cross-site page may POST without the browser asking first (CORS "simple" requests)
_SIMPLE_TYPES = {"", "text/plain", "multipart/form-data", "application/x-www-form-urlencoded"}


def _json_body_problem(body: bytes, content_type: str) -> str | None:
    """Why a JSON request body cannot be read (charset, UTF-8, nesting), in a sentence; ``None`` if it can.
    Syntax errors are left to the request validation, which names the position."""
    import json

    charset = next((part.split("=", 1)[1].strip().strip('"').lower() for part in content_type.split(";")[1:]
                    if part.strip().lower().startswith("charset=")), "utf-8")
    if charset not in ("utf-8", "utf8"):
        return f"the body must be UTF-8 JSON, not {charset}; send it with Content-Type: application/json"
    problem = guards.text_problem(body)  # the words every entry point uses
    if problem is not None:
        return f"the body: {problem}; send UTF-8 JSON"
    try:
        guards.load_json(body.decode("utf-8"), "the JSON body")
    except json.JSONDecodeError:
        return None
    except DataError as e:
        return f"malformed JSON: {e}"
    return None


def create_app(model: FramingModel, max_chars: int = DEFAULT_MAX_CHARS,
               allowed_hosts: set[str] | None = None, turn_sentences: int = TURN_SENTENCES) -> FastAPI:
    """The web app around one loaded model; ``max_chars`` caps the text of one request (413 above it);
    ``allowed_hosts``, when given, are the only ``Host`` names answered (against DNS rebinding);
    ``turn_sentences`` is how many sentences of a long request are scored before waiting requests get
    their turn (:class:`~framing.web.analyzer.Analyzer`).

    There is no ``/docs`` page: Swagger UI loads from a CDN that the app's own CSP blocks; the schema is
    at ``/openapi.json``."""
    analyzer = Analyzer(model, turn_sentences=turn_sentences)
    labels = model.config.labelset
    app = FastAPI(title="framing", version=__version__, docs_url=None, redoc_url=None,
                  description="Flags framing devices (scare quotes, loaded language, ...) in a draft.")
    # JSON bodies carry at most 6 bytes per character (\uXXXX escapes) plus the wrapper
    max_body = 6 * max_chars + 4096
    app.add_middleware(BodyLimit, limit_for=lambda path: MAX_DOCX_BYTES if path == "/api/extract" else max_body,
                       allowed_hosts=allowed_hosts)
    # at most two .docx files are read at a time, each bounded in memory and time (framing.guards.docx_text)
    extracting = asyncio.Semaphore(2)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        logging.getLogger("framing.web").error("internal error on %s", request.url.path, exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": "internal error (a bug; the server log has the "
                                                                 "traceback)"}, headers=SECURITY_HEADERS)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            if err.get("type") == "json_invalid":
                reason = (err.get("ctx") or {}).get("error", "invalid JSON")
                return _error(422, f"malformed JSON at character {err['loc'][-1]}: {reason}; "
                                   'send JSON like {"text": "..."}')
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        return _error(422, "malformed request: " + "; ".join(problems) + '; send JSON like {"text": "..."}')

    @app.post("/api/analyze", response_model=DocumentResultOut,
              responses={413: {"description": "text longer than the server's limit"},
                         422: {"description": "malformed JSON or missing text"}})
    def analyze(request: AnalyzeRequest):
        """Flag framing devices in ``text``; offsets are Python ``str`` offsets into it, end exclusive."""
        if len(request.text) > max_chars:
            return _error(413, f"text too long: {len(request.text):,} characters; the limit is {max_chars:,}")
        at = guards.lone_surrogate(request.text)
        if at is not None:
            return _error(422, f"text holds a lone surrogate (U+{ord(request.text[at]):04X}) at character {at}, "
                               "which is not valid Unicode; send the text as UTF-8")
        if guards.is_blank(request.text):  # zero-width characters alone are no draft either
            return _error(422, "text is empty: paste a draft to check")
        return analyzer.analyze(request.text, request.sensitivity)

    @app.get("/api/labels", response_model=LabelsOut)
    def label_set():
        """The model's labels with the descriptions shown to users and their tuned thresholds."""
        def rows(names):
            return [{"name": n, "description": labels.description(n), "threshold": model.config.thresholds[n]}
                    for n in names]
        return {"span_labels": rows(labels.span_labels), "sentence_labels": rows(labels.sentence_labels),
                "version": __version__}

    @app.post("/api/extract", response_model=ExtractOut, responses={413: {}, 422: {}})
    async def extract(request: Request):
        """The text of a ``.docx`` file sent as the raw request body."""
        data = await request.body()  # BodyLimit has already refused more than MAX_DOCX_BYTES
        if len(data) > MAX_DOCX_BYTES:
            return _error(413, f"file too large: {len(data):,} bytes; the limit is {MAX_DOCX_BYTES:,}")
        try:
            async with extracting:  # off the event loop: every other route keeps answering
                text = await asyncio.wait_for(asyncio.to_thread(docx_text, data, max_chars),
                                              guards.DOCX_SECONDS + 5)
        except TooLargeError as e:
            return _error(413, str(e))
        except DataError as e:
            return _error(422, str(e))
        except asyncio.TimeoutError:
            return _error(413, f"the .docx file took more than {guards.DOCX_SECONDS:g} s to read")
        if len(text) > max_chars:
            return _error(413, f"text too long: {len(text):,} characters; the limit is {max_chars:,}")
        return {"text": text}

    @app.get("/", include_in_schema=False)
    def page():
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.analyzer = analyzer
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, model_dir: str | None = None,
          max_chars: int = DEFAULT_MAX_CHARS, precision: str | None = None) -> None:
    """Load the model once and serve the app until interrupted (loopback only unless ``host`` says otherwise).

    ``precision``: the inference mode (:mod:`framing.nn.precision`; default ``$FRAMING_PRECISION``, else auto)."""
    import uvicorn

    from framing.errors import UsageError

    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, got {port}")
    if max_chars < 1:
        raise UsageError(f"--max-chars must be at least 1, got {max_chars}")
    model = FramingModel.from_pretrained(model_dir, precision=precision)
    model.score_many(["Warm-up."])  # the first call pays for lazy set-up; keep it off a user's request
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:  # bind first, so that the address printed is the one listening (--port 0 picks a free port)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except (OSError, OverflowError) as e:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port} ({getattr(e, 'strerror', None) or e})") from None
    port = sock.getsockname()[1]
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"framing: warning: serving on {host}, reachable from other machines; the app has no login")
    print(f"framing: serving on http://{'[' + host + ']' if ':' in host else host}:{port}/ "
          f"({model.precision} precision; Ctrl-C stops)", flush=True)
    loopback = {"127.0.0.1", "localhost", "::1"}
    allowed = loopback | {host.lower()} if host in loopback else None  # a page on another site cannot rebind
    server = uvicorn.Server(uvicorn.Config(create_app(model, max_chars, allowed), log_level="warning"))
    server.run(sockets=[sock])


@contextmanager
def background_server(app: FastAPI, host: str = "127.0.0.1") -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on a free loopback port; yields its base URL (for tests and benchmarks).

    Example:
        >>> with background_server(create_app(model)) as url:  # doctest: +SKIP
        ...     httpx.get(url + "/api/labels").status_code
        200
    """
    import uvicorn

    with socket.socket() as s:
        s.bind((host, 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server on {host}:{port} did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
