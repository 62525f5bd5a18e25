"""The page's server: Starlette routes over the drill runner and the CLI's history.

Routes (every one behind `closer.web.security.Guard`: token, Host, Origin, body limits, CSP):
- `GET /` the page; `GET /static/NAME` its assets, from a fixed list read from the package
  (no route takes a file path).
- `GET /api/config` the rounds, modes and voice; `GET /api/attempts` the history table;
  `GET /api/attempts/ID` one attempt; `GET /api/attempts/ID/audio` its recording (WAV);
  `DELETE /api/attempts/ID`; `GET /api/export?format=csv|json`; `GET /api/progress.svg`;
  `POST /api/scenario` a scenario (TOML) from a pasted job ad and resume, as `closer scenario`.
- `WS /ws` the drill socket: JSON messages {"type": "start" | "played" | "done" | "stop" |
  "mic_error"} and binary 16 kHz int16 PCM from the page; JSON events and WAV lines back.
"""

from __future__ import annotations

import asyncio
import json
import logging
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from closer.errors import UserError
from closer.web.bridge import Outbox
from closer.web.runner import MODES, ROUNDS, DrillRun, Drills, Services
from closer.web.security import Guard, WebSettings

_LOGGER = logging.getLogger(__name__)

STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
MAX_ATTEMPT_ID = 2**62
PAGE_GONE = "The page was closed or lost its connection; the answer so far is kept."


def _static_files() -> dict[str, bytes]:
    folder = resources.files("closer.web") / "static"
    return {item.name: item.read_bytes() for item in folder.iterdir()
            if item.is_file() and any(item.name.endswith(ext) for ext in STATIC_TYPES)}


def _error(status: int, sentence: str) -> JSONResponse:
    return JSONResponse({"error": sentence}, status_code=status)


def _attempt_id(request: Request) -> int | None:
    value = request.path_params["attempt_id"]
    return value if 0 < value < MAX_ATTEMPT_ID else None


def make_app(settings: WebSettings, services: Services, drills: Drills | None = None) -> Any:
    """The ASGI app: the routes wrapped in the Guard."""
    files = _static_files()
    drills = drills or Drills(services)
    history = services.history

    async def page(request: Request) -> Response:
        html = files["index.html"].decode().replace("__TOKEN__", settings.token)
        html = html.replace("__ROUND__", services.options.round)
        return Response(html, media_type=STATIC_TYPES[".html"])

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        body = files.get(name)
        if body is None:
            return PlainTextResponse("Not found.", status_code=404)
        suffix = name[name.rfind("."):]
        return Response(body, media_type=STATIC_TYPES[suffix])

    async def config(request: Request) -> Response:
        return JSONResponse({"rounds": list(ROUNDS), "modes": list(MODES),
                             "round": services.options.round, "voice": services.voice_label,
                             "ready": services.ready.is_set()})

    async def attempts(request: Request) -> Response:
        try:
            limit = max(1, min(1000, int(request.query_params.get("limit", "50"))))
        except ValueError:
            return _error(400, "limit must be a whole number.")
        rows = await asyncio.to_thread(history.recent, limit)
        return JSONResponse([_row(a) for a in rows])

    async def attempt(request: Request) -> Response:
        found = await _find(request)
        return found if isinstance(found, Response) else JSONResponse(_full(found))

    async def audio(request: Request) -> Response:
        found = await _find(request)
        if isinstance(found, Response):
            return found
        path = found.audio_path
        if path is None or not path.is_file():
            return _error(404, f"Attempt {found.id} has no recording.")
        root = history.data_dir.resolve()
        if root not in path.resolve().parents:  # only recordings closer itself saved
            return _error(404, f"Attempt {found.id} has no recording.")
        return FileResponse(path, media_type="audio/wav")

    async def delete(request: Request) -> Response:
        attempt_id = _attempt_id(request)
        if attempt_id is None:
            return _error(404, "There is no such attempt.")
        gone = await asyncio.to_thread(history.delete, attempt_id)
        if not gone:
            return _error(404, f"There is no attempt {attempt_id}.")
        return JSONResponse({"deleted": attempt_id})

    async def export(request: Request) -> Response:
        from closer.history.views import export_csv, export_json

        fmt = request.query_params.get("format", "json")
        if fmt not in ("csv", "json"):
            return _error(400, "format must be csv or json.")
        rows = await asyncio.to_thread(history.all)
        body = export_csv(rows) if fmt == "csv" else export_json(rows)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        return Response(body, media_type=media, headers={
            "content-disposition": f'attachment; filename="closer-history.{fmt}"'})

    async def progress(request: Request) -> Response:
        rows = await asyncio.to_thread(history.all)
        if not rows:
            return _error(404, "No attempts yet: the chart appears after the first drill.")
        svg = await asyncio.to_thread(_progress_svg, rows)
        return Response(svg, media_type=STATIC_TYPES[".svg"])

    async def make_scenario(request: Request) -> Response:
        """{"job": text, "resume": text?} -> {"toml": ...}: what `closer scenario` prints."""
        from closer.scenario.dump import to_toml
        from closer.scenario.job import scenario_from_job

        try:
            body = await request.json()
        except ValueError:
            return _error(400, "Send the job ad as JSON: {\"job\": \"...\"}.")
        job = body.get("job") if isinstance(body, dict) else None
        resume = body.get("resume") if isinstance(body, dict) else None
        if not isinstance(job, str) or not job.strip():
            return _error(400, "Paste the job ad first.")
        if resume is not None and not isinstance(resume, str):
            return _error(400, "The resume must be text.")
        resume = resume if resume and resume.strip() else None
        try:
            made = await asyncio.to_thread(scenario_from_job, job, resume, "job ad")
        except UserError as exc:
            return _error(400, str(exc))
        return JSONResponse({"toml": to_toml(made, "the job ad", "the resume" if resume else None)})

    async def _find(request: Request) -> Any:
        attempt_id = _attempt_id(request)
        if attempt_id is None:
            return _error(404, "There is no such attempt.")
        try:
            return await asyncio.to_thread(history.get, attempt_id)
        except UserError as exc:
            return _error(404, str(exc))

    async def socket(ws: WebSocket) -> None:
        await ws.accept()
        outbox = Outbox(asyncio.get_running_loop())
        sender = asyncio.create_task(_send_loop(ws, outbox))
        run: DrillRun | None = None
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    if run is not None:
                        run.mic.feed(message["bytes"])
                    continue
                run = _handle(message.get("text") or "", run, drills, outbox)
        except WebSocketDisconnect:
            pass
        finally:
            if run is not None:
                run.page_gone(PAGE_GONE)
            outbox.close()
            sender.cancel()

    routes = [
        Route("/", page), Route("/static/{name:str}", static), Route("/api/config", config),
        Route("/api/attempts", attempts),
        Route("/api/attempts/{attempt_id:int}", attempt, methods=["GET"]),
        Route("/api/attempts/{attempt_id:int}", delete, methods=["DELETE"]),
        Route("/api/attempts/{attempt_id:int}/audio", audio),
        Route("/api/export", export), Route("/api/progress.svg", progress),
        Route("/api/scenario", make_scenario, methods=["POST"]),
        WebSocketRoute("/ws", socket),
    ]
    app = Starlette(routes=routes)
    app.state.drills = drills
    return Guard(app, settings)


def _handle(text: str, run: DrillRun | None, drills: Drills, outbox: Outbox) -> DrillRun | None:
    """One JSON message from the page; returns the page's current run."""
    try:
        message = json.loads(text)
    except ValueError:
        outbox.put({"event": "error", "text": "The page sent a message closer cannot read."})
        return run
    if not isinstance(message, dict):
        return run
    kind = message.get("type")
    if kind == "start":
        if run is not None and run.thread is not None and run.thread.is_alive():
            outbox.put({"event": "error", "text": "A drill is already running on this page."})
            return run
        try:
            return drills.start(message, outbox)
        except UserError as exc:
            outbox.put({"event": "error", "text": str(exc)})
            return run
    if run is None:
        return run
    if kind == "played" and isinstance(message.get("id"), int) and run.speaker is not None:
        run.speaker.played(message["id"])
    elif kind == "done":
        run.mic.press_done()
    elif kind == "stop":
        run.stop()
    elif kind == "mic_error":
        run.page_gone(str(message.get("text") or "The page's microphone stopped.")[:300])
    return run


async def _send_loop(ws: WebSocket, outbox: Outbox) -> None:
    while True:
        item = await outbox.queue.get()
        if item is None:
            return
        try:
            if isinstance(item, bytes):
                await ws.send_bytes(item)
            else:
                await ws.send_text(json.dumps(item, ensure_ascii=False))
        except Exception as exc:  # the page is gone; the reader side ends the run
            _LOGGER.debug("send failed: %s", exc)
            outbox.closed.set()
            return


def _row(a: Any) -> dict[str, Any]:
    from closer.history.views import local_time

    return {"id": a.id, "when": local_time(a.created_at), "mode": a.mode, "round": a.round,
            "scenario": a.scenario, "score": a.score, "passed": a.passed,
            "checks": {name: a.check_passed(name) for name in a.checks},
            "has_audio": a.audio_path is not None}


def _full(a: Any) -> dict[str, Any]:
    out = a.to_json()
    out.pop("audio_path", None)  # the page plays it through /audio; no paths leave the server
    out["has_audio"] = a.audio_path is not None
    return out


def _progress_svg(rows: list[Any]) -> str:
    from closer.history.progress_plot import progress_series, render_svg

    return render_svg(progress_series(rows))
