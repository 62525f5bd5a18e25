"""`closer web`: serve the drill page on 127.0.0.1 and open the browser at it.

Decisions:
- Bound to 127.0.0.1 only, never 0.0.0.0: the page, its recordings and history stay on this
  machine. The URL printed carries a random per-run token (closer.web.security).
- Default port 8765; a busy port is one sentence and exit 2 (no silent switch: a bookmark
  would then point at nothing); `--port 0` lets the system pick a free one.
- The speech model and the interviewer's voice load in the background as the server starts.
- Ctrl-C stops the server; a drill under way ends as a lost connection does (the answer so far
  is scored and saved), finished attempts are already saved.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
import threading

from closer.errors import UserError

_LOGGER = logging.getLogger(__name__)

HOST = "127.0.0.1"
SHUTDOWN_GRACE_S = 2  # seconds open pages get to close when the server stops
SAVE_WAIT_S = 30.0  # at most this long for a drill under way to score and save its answer


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:port (0: a free one); UserError when it is taken."""
    if not 0 <= port <= 65535:
        raise UserError("--port must be 0 to 65535.")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise UserError(f"Port {port} on {HOST} is in use (or not allowed); choose another "
                            "with --port N, or --port 0 for any free one.") from None
        raise UserError(f"Cannot listen on {HOST}:{port} ({exc.strerror}).") from None
    sock.set_inheritable(True)
    return sock


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from closer.history.store import open_history
    from closer.web.app import make_app
    from closer.web.runner import Drills, Services, WebDrillOptions
    from closer.web.security import WebSettings, new_token

    sock = bind(args.port)
    port = sock.getsockname()[1]
    settings = WebSettings(port=port, token=new_token())
    history = open_history()
    if history.notice:
        print(f"closer: {history.notice}", file=sys.stderr)
    options = WebDrillOptions(model=args.model, voice=args.voice, rate_wpm=args.rate,
                              round=args.round, save_audio=not args.no_save_audio)
    services = Services(options, history)
    services.warm_up()
    drills = Drills(services)
    app = make_app(settings, services, drills)
    config = uvicorn.Config(app, log_level="warning", lifespan="off",
                            ws_max_size=settings.max_ws_message_bytes,
                            timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    server = uvicorn.Server(config)
    url = f"http://{HOST}:{port}/?token={settings.token}"
    print(f"closer web: {url}", flush=True)
    print("closer web: open that address in a browser on this machine; Ctrl-C stops.",
          file=sys.stderr, flush=True)
    if not args.no_browser:
        threading.Timer(0.5, _open_browser, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled: that is the way out
        pass
    finally:
        sock.close()
        # A drill under way ends as a lost connection does: its answer so far is scored and
        # saved before the process goes.
        running = drills.current
        if running is not None and running.thread is not None:
            running.page_gone("closer web was stopped.")
            running.thread.join(SAVE_WAIT_S)
        services.release()
        history.close()
    print("closer web: stopped; every finished attempt is saved.", file=sys.stderr)
    # Everything is saved and closed. Leave without interpreter finalisation: after a drill
    # ran in a worker thread, a native thread pool (CTranslate2/onnxruntime) torn down there
    # aborts the process ("terminate called without an active exception", exit -6).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _open_browser(url: str) -> None:
    import webbrowser

    try:
        if not webbrowser.open(url):
            print(f"closer web: no browser could be opened; open {url} yourself.",
                  file=sys.stderr)
    except webbrowser.Error as exc:
        _LOGGER.debug("webbrowser: %s", exc)
