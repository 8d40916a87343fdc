"""The web app: the chat API under /api, the chat page at /, the widget at /widget.js and the staff's
explanation page at /explain/{conversation}."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontdesk.agent.receptionist import Receptionist
from frontdesk.store.conversations import ConversationStore
from frontdesk.web.api import Web, router
from frontdesk.web.limits import BodyLimit
from frontdesk.web.settings import WebSettings

log = logging.getLogger("frontdesk.web")
STATIC = Path(__file__).with_name("static")


def create_app(
    receptionist: Receptionist, store: ConversationStore, settings: WebSettings | None = None
) -> FastAPI:
    settings = settings or WebSettings(_env_file=None)
    profile = receptionist.parts.profile
    app = FastAPI(
        title=f"{profile.name} — Frontdesk chat API",
        summary="Talk with the business's AI receptionist: start a conversation, send messages, read it back.",
        version="1",
    )
    web = Web(receptionist, store, settings)
    app.state.web = web
    app.include_router(router(web))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.allowed_origins:  # added last so even refusals carry the CORS headers
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept"],
            max_age=600,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg')}"
            for e in exc.errors()
        ]
        return JSONResponse(
            {"error": "The request is not valid.", "problems": problems[:10]}, status_code=422
        )

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> Response:
        # the page shows ``error`` to the customer; the traceback goes to the log, never to the browser
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse(
            {"error": "Sorry, something went wrong on our side; please try again."}, status_code=500
        )

    @app.get("/api/business", tags=["page"])
    async def business() -> dict[str, Any]:
        """What the chat page and widget show: the business's name, colours, phone and greeting."""
        return {
            "name": profile.name,
            "phone": profile.phone,
            "greeting": receptionist.greeting(),
            "primary_color": profile.brand.primary_color,
            "accent_color": profile.brand.accent_color,
        }

    @app.get("/", include_in_schema=False)
    async def chat_page() -> FileResponse:
        return FileResponse(STATIC / "chat.html", media_type="text/html")

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript")

    @app.get("/explain/{conversation_id}", include_in_schema=False)
    async def explain_page(conversation_id: str) -> FileResponse:
        return FileResponse(STATIC / "explain.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
