// closer's page: one drill at a time over the server's WebSocket. The engine is the CLI's;
// this file only shows what it says, plays the interviewer's lines and sends the mic.
// Automation contract: every drill event (say, listening, heard, note, result, summary) is
// appended to window.closerEvents as the object `closer drill --json` prints.
"use strict";

window.closerEvents = [];
window.closerTimes = [];  // performance.now() when each of closerEvents arrived (for benches)

const TOKEN = document.body.dataset.token;
const $ = (id) => document.getElementById(id);
const LABELS = {
  next_step: "Next-step question",
  trial_close: "Trial close",
  confident_tone: "Confident tone",
};
const MODE_HELP = {
  drill: "One wrap-up from the interviewer, your questions, a reply, a verdict.",
  once: "One wrap-up, one answer, the verdict: a quick check of your close.",
  rehearse: "Three drills back to back across the rounds, each answer against the clock, then a summary.",
  hands_free: "Drills in a loop, controlled by voice: say again, next, harder or stop.",
};
const DRILL_EVENTS = new Set(["say", "listening", "heard", "note", "result", "summary"]);

const page = {
  socket: null,
  audio: null,       // AudioContext, made on the first Start (a user gesture)
  stream: null,      // the mic, opened once and kept for the session
  worklet: null,
  pendingPlay: null, // the "play" event whose WAV is the next binary message
  running: false,
  listening: false,
};

function url(path, extra) {
  const sep = path.includes("?") ? "&" : "?";
  return `${path}${sep}token=${encodeURIComponent(TOKEN)}${extra || ""}`;
}

async function api(path, options) {
  const response = await fetch(url(path), options);
  if (!response.ok) {
    let sentence = `The server answered ${response.status}.`;
    try { sentence = (await response.json()).error || sentence; } catch (e) { /* not JSON */ }
    throw new Error(sentence);
  }
  return response;
}

function say(text) {
  const box = $("message");
  box.textContent = text;
  box.hidden = !text;
}

function setState(state) {
  $("state").textContent = state;
  $("state").dataset.state = state;
}

function setRunning(running) {
  page.running = running;
  $("start").disabled = running;
  $("round").disabled = running;
  $("mode").disabled = running;
  $("time-limit").disabled = running;
  $("scenario").disabled = running;
  $("stop").hidden = !running;
  if (!running) {
    setListening(false);
    setState("ready");
    $("start").focus();
  }
}

function setListening(on) {
  page.listening = on;
  $("done").disabled = !on;
  if (on) $("done").focus();
}

// ---- the microphone -------------------------------------------------------------------

async function openMic() {
  if (page.stream) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error("This browser cannot give the page a microphone; try a current Chromium or Firefox.");
  }
  try {
    page.stream = await navigator.mediaDevices.getUserMedia({
      // The raw mic, as the CLI hears it: closer's own gain and noise-floor tracking do the
      // rest, and half-duplex (no mic audio kept while the interviewer speaks) replaces
      // echo cancellation, which can swallow the first syllable of an answer.
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
  } catch (err) {
    if (err && (err.name === "NotAllowedError" || err.name === "SecurityError")) {
      throw new Error("The browser did not allow the microphone: allow it for this page (the icon in the address bar), then press Start drill again.");
    }
    if (err && (err.name === "NotFoundError" || err.name === "OverconstrainedError")) {
      throw new Error("No microphone was found: plug one in, then press Start drill again.");
    }
    throw new Error(`The microphone could not be opened (${err && err.name ? err.name : err}).`);
  }
  window.closerMicOpenedAt = performance.now();
  await page.audio.audioWorklet.addModule(url("/static/mic-worklet.js"));
  const source = page.audio.createMediaStreamSource(page.stream);
  page.worklet = new AudioWorkletNode(page.audio, "closer-mic");
  page.worklet.port.onmessage = (e) => {
    if (e.data === "loud") {  // the first loud block of an answer (benches time from it)
      window.closerLoudAt = performance.now();
      return;
    }
    if (page.socket && page.socket.readyState === WebSocket.OPEN) page.socket.send(e.data);
  };
  source.connect(page.worklet);
  // A worklet runs only when pulled: into a silent gain, so nothing of the mic is heard.
  const mute = page.audio.createGain();
  mute.gain.value = 0;
  page.worklet.connect(mute).connect(page.audio.destination);
  for (const track of page.stream.getAudioTracks()) {
    track.addEventListener("ended", () => {
      send({ type: "mic_error", text: "The microphone was disconnected." });
      say("The microphone was disconnected: plug it back in and start again; what you said so far is kept.");
      page.stream = null;
    });
  }
}

// ---- the socket ---------------------------------------------------------------------------

function send(message) {
  if (page.socket && page.socket.readyState === WebSocket.OPEN) page.socket.send(JSON.stringify(message));
}

function connect() {
  return new Promise((resolve, reject) => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${url("/ws")}`);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error("The page could not reach closer: is `closer web` still running?"));
    socket.onmessage = (e) => onMessage(e.data);
    socket.onclose = () => {
      page.socket = null;
      if (page.running) {
        say("The connection to closer was lost (was the server stopped?). Every finished attempt is saved; run `closer web` again and reload this page.");
        setRunning(false);
      }
    };
  });
}

function onMessage(data) {
  if (data instanceof ArrayBuffer) {
    const line = page.pendingPlay;
    page.pendingPlay = null;
    if (line) play(line, data);
    return;
  }
  const event = JSON.parse(data);
  if (DRILL_EVENTS.has(event.event)) {
    window.closerEvents.push(event);
    window.closerTimes.push(performance.now());
  }
  switch (event.event) {
    case "play": page.pendingPlay = event; setState("speaking"); setListening(false); break;
    case "say": addTurn(event.who, event.text); break;
    case "listening":
      setState("listening"); setListening(true); $("running").textContent = "";
      window.closerLoudAt = null;
      if (page.worklet) page.worklet.port.postMessage("arm");
      break;
    case "status": showStatus(event); break;
    case "heard": addTurn("you", event.transcript || "(nothing heard)"); $("running").textContent = ""; setListening(false); setState("thinking"); break;
    case "note": addTurn("note", event.text); break;
    case "result": showResult(event); break;
    case "summary": addTurn("coach", event.text || summaryText(event)); break;
    case "error": say(event.text); break;
    case "ended": setRunning(false); refreshHistory(); break;
    default: break;
  }
}

async function play(line, wav) {
  const finished = () => send({ type: "played", id: line.id });
  try {
    const buffer = await page.audio.decodeAudioData(wav);
    const source = page.audio.createBufferSource();
    source.buffer = buffer;
    source.connect(page.audio.destination);
    let reported = false;
    const once = () => { if (!reported) { reported = true; finished(); } };
    source.onended = once;
    // If the output is stalled (no device), do not hold the drill past the line's length.
    setTimeout(once, (buffer.duration + 1.5) * 1000);
    source.start();
  } catch (err) {
    finished();
  }
}

// ---- what the page shows ----------------------------------------------------------------------

function addTurn(who, text) {
  const li = document.createElement("li");
  li.className = `turn turn-${who}`;
  const name = document.createElement("span");
  name.className = "who";
  name.textContent = who === "you" ? "You" : who.charAt(0).toUpperCase() + who.slice(1);
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  li.append(name, body);
  $("exchange").append(li);
  li.scrollIntoView({ block: "nearest" });
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function showStatus(status) {
  setState(status.state === "hearing" ? "listening" : status.state);
  const fraction = Math.min(1, Math.max(0, (status.level_dbfs + 60) / 60));
  $("level").style.width = `${Math.round(fraction * 100)}%`;
  $("elapsed").textContent = clock(status.elapsed_s);
  $("left").textContent = status.remaining_s == null ? "" : `${Math.round(status.remaining_s)} s left`;
  if (status.transcript) $("running").textContent = status.transcript;
}

function highlighted(text, phrases) {
  // The transcript with each deciding phrase marked; text nodes only (nothing as HTML).
  const frag = document.createDocumentFragment();
  const lower = text.toLowerCase();
  const spans = [];
  for (const phrase of phrases) {
    if (!phrase) continue;
    const at = lower.indexOf(phrase.toLowerCase());
    if (at >= 0) spans.push([at, at + phrase.length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [start, end] of spans) {
    if (start < pos) continue;
    frag.append(document.createTextNode(text.slice(pos, start)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    frag.append(mark);
    pos = end;
  }
  frag.append(document.createTextNode(text.slice(pos)));
  return frag;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function checkRow(label, check) {
  const li = el("li", check.passed ? "check pass" : "check miss");
  li.append(el("span", "mark", check.passed ? "✓" : "✗"), el("strong", null, label));
  if (check.evidence) li.append(el("q", "evidence", check.evidence));
  if (!check.passed && check.tip) li.append(el("p", "tip", check.tip));
  return li;
}

function showResult(result) {
  const card = $("card");
  card.replaceChildren();
  const head = el("p", "score", `${result.score}/100 · ${result.round} round · ${result.drill_passed ? "every check passed" : "not every check passed yet"}`);
  card.append(head);
  const transcript = el("blockquote", "transcript");
  const evidence = Object.values(result.checks || {}).filter((c) => c.passed).map((c) => c.evidence);
  transcript.append(highlighted(result.transcript || "", evidence));
  card.append(transcript);
  const list = el("ul", "checks");
  for (const name of Object.keys(LABELS)) {
    if (result.checks && result.checks[name]) list.append(checkRow(LABELS[name], result.checks[name]));
  }
  if (result.order_ok != null) {
    list.append(checkRow("Order (next step, then the trial close)", { passed: result.order_ok, evidence: null, tip: "Ask the next-step question first, the trial close last." }));
  }
  if (result.objection_handling) {
    const o = result.objection_handling;
    list.append(checkRow(`Answer to the ${o.kind}`, o));
  }
  card.append(list);
  if (result.one_thing) {
    const one = el("div", "one-thing");
    const headline = result.one_thing.headline || "";
    one.append(el("h3", null, "The one thing to change"), el("p", null, headline.charAt(0).toUpperCase() + headline.slice(1)));
    if (result.one_thing.line) one.append(el("p", "model-line", `Try: “${result.one_thing.line}”`));
    card.append(one);
  }
  if (result.stronger_close) card.append(el("p", "stronger", `A stronger close: “${result.stronger_close}”`));
  const d = result.delivery;
  if (d) {
    const figures = el("p", "delivery", `Pace ${Math.round(d.words_per_minute)} words/min · ${d.filler_count} filler${d.filler_count === 1 ? "" : "s"} · longest pause ${d.longest_pause_s.toFixed(1)} s` + (d.statement_count ? ` · rising endings ${d.uptalk_count} of ${d.statement_count}` : ""));
    card.append(figures);
  }
  if (result.attempt_id != null) {
    const player = document.createElement("audio");
    player.controls = true;
    player.preload = "none";
    player.src = url(`/api/attempts/${result.attempt_id}/audio`);
    player.setAttribute("aria-label", "Your recording");
    card.append(el("h3", null, "Your recording"), player);
  }
  $("verdict").hidden = false;
}

function summaryText(summary) {
  return summary.drills != null ? `${summary.drills} drills done.` : "Session over.";
}

// ---- history -------------------------------------------------------------------------------

async function refreshHistory() {
  try {
    const rows = await (await api("/api/attempts?limit=50")).json();
    const body = $("attempts").querySelector("tbody");
    body.replaceChildren();
    for (const row of rows) body.append(historyRow(row));
    $("chart").replaceChildren();
    if (rows.length) {
      const img = document.createElement("img");
      img.alt = "Pass rate per check and score over time";
      img.src = url("/api/progress.svg", `&n=${rows.length}-${rows[0].id}`);
      $("chart").append(img);
    }
  } catch (err) {
    say(`History could not be read: ${err.message}`);
  }
}

function historyRow(row) {
  const tr = document.createElement("tr");
  const checks = Object.entries(row.checks).map(([k, v]) => `${(LABELS[k] || k.replace("_", " ")).split(" ")[0]} ${v ? "✓" : "✗"}`).join("  ");
  for (const text of [`#${row.id}`, row.when, row.mode, row.round, row.scenario || "—", String(row.score), checks]) tr.append(el("td", null, text));
  const audioCell = el("td");
  if (row.has_audio) {
    const button = el("button", null, "Play");
    button.type = "button";
    button.setAttribute("aria-label", `Play the recording of attempt ${row.id}`);
    button.onclick = () => {
      const player = document.createElement("audio");
      player.controls = true;
      player.src = url(`/api/attempts/${row.id}/audio`);
      audioCell.replaceChildren(player);
      player.play().catch(() => {});
      player.focus();
    };
    audioCell.append(button);
  }
  tr.append(audioCell);
  const del = el("button", "delete", "Delete");
  del.type = "button";
  del.setAttribute("aria-label", `Delete attempt ${row.id}`);
  del.onclick = async () => {
    if (!window.confirm(`Delete attempt #${row.id} and its recording?`)) return;
    try { await api(`/api/attempts/${row.id}`, { method: "DELETE" }); } catch (err) { say(err.message); }
    refreshHistory();
  };
  const delCell = el("td");
  delCell.append(del);
  tr.append(delCell);
  return tr;
}

// ---- start, done, stop ----------------------------------------------------------------------

async function start() {
  say("");
  setRunning(true);
  setState("starting");
  $("live").hidden = false;
  $("verdict").hidden = true;
  $("exchange").replaceChildren();
  try {
    if (!page.audio) page.audio = new AudioContext();
    await page.audio.resume();
    await openMic();
    if (!page.socket) page.socket = await connect();
  } catch (err) {
    say(err.message);
    setRunning(false);
    return;
  }
  const message = { type: "start", round: $("round").value, mode: $("mode").value };
  if (message.mode === "rehearse") message.time_limit_s = Number($("time-limit").value) || 45;
  if ($("scenario").value.trim()) message.scenario = $("scenario").value;
  send(message);
}

function init() {
  const round = document.body.dataset.round;
  if (round) $("round").value = round;
  $("start").addEventListener("click", start);
  $("done").addEventListener("click", () => { if (page.listening) { send({ type: "done" }); setListening(false); } });
  $("stop").addEventListener("click", () => send({ type: "stop" }));
  $("mode").addEventListener("change", () => {
    $("limit-group").hidden = $("mode").value !== "rehearse";
    $("mode-help").textContent = MODE_HELP[$("mode").value];
  });
  $("refresh").addEventListener("click", refreshHistory);
  $("make-scenario").addEventListener("click", makeScenario);
  $("export-csv").href = url("/api/export?format=csv");
  $("export-json").href = url("/api/export?format=json");
  refreshHistory();
  waitUntilReady();
  performance.mark("closer-interactive");  // every control works from here (benches read it)
}

async function makeScenario() {
  say("");
  try {
    const response = await api("/api/scenario", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ job: $("job").value, resume: $("resume").value }),
    });
    $("scenario").value = (await response.json()).toml;
    $("scenario").focus();
  } catch (err) {
    say(err.message);
  }
}

async function waitUntilReady() {
  // The server loads the voice and the speech model as it starts; say so until they are in.
  try {
    const config = await (await api("/api/config")).json();
    $("ready").textContent = config.ready ? `Ready. The interviewer's voice: ${config.voice}.` : "Loading the interviewer's voice and the speech model…";
    if (!config.ready) setTimeout(waitUntilReady, 1000);
  } catch (err) {
    $("ready").textContent = "";
  }
}

document.addEventListener("DOMContentLoaded", init);
