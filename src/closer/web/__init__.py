"""`closer web`: the drills in a local browser page, a second face on the one engine.

The page is an adapter, not a second engine: `closer.web.bridge` gives the drill flow a
Microphone (the page's AudioWorklet sends 16 kHz PCM over the WebSocket), a Speaker (the
server renders each line with the CLI's voice and waits until the page says it has played) and
an EventSink (the `closer drill --json` events, sent to the page). Everything else is the CLI's:
`closer.drill.session.run_session`, listening and turn-taking, Whisper, the rubric, feedback,
the SQLite history.

Modules: `security` (token, Host/Origin, body limits, headers), `bridge` (the adapters),
`runner` (one drill session per server, in a worker thread), `app` (Starlette routes),
`chart` (the progress chart as SVG), `static/` (the page; no CDN, no web font).
"""
