"""Command line: parses arguments, configures logging, dispatches to `closer.commands.*`.

Heavy libraries (numpy, faster-whisper, sounddevice) are imported only inside the command that
needs them, so `closer --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from closer.errors import UserError

ROUND_CHOICES = ("first", "second", "final")


def _add_round(p: argparse.ArgumentParser) -> None:
    p.add_argument("--round", choices=ROUND_CHOICES, default="first",
                   help="interview round the close is for (default: %(default)s)")


def _add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, metavar="DIR|NAME",
                   help="CTranslate2 Whisper model directory or faster-whisper size name "
                        "(default: the bundled tiny.en, offline)")


def _add_tts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--voice", default=None, metavar="ID",
                   help="voice id or a unique part of one (`closer voices`), or an engine: "
                        "piper, espeak (default: Piper's joe; espeak-ng if Piper cannot load)")
    p.add_argument("--rate", type=int, default=160,
                   help="speaking rate in words per minute, both engines (default: %(default)s)")
    p.add_argument("--output-device", default=None,
                   help="output device index or name substring (default: system default)")


def _add_drill_common(p: argparse.ArgumentParser) -> None:
    _add_model(p)
    _add_tts(p)
    p.add_argument("--input-device", default=None,
                   help="input device index or name substring (default: system default)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed for line choice (default: random)")
    p.add_argument("--json", action="store_true", help="JSON Lines events on stdout, nothing else")
    p.add_argument("--no-save-audio", action="store_true",
                   help="do not keep the recording in history")
    p.add_argument("--hands-free", action="store_true",
                   help="loop drills with voice commands: again, next, harder, stop")


def _add_scenario(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", default=None, metavar="FILE.toml",
                   help="your own interview: company, role, interviewer, round, next_step, "
                        "weak_spots (examples in prompts/scenarios/)")
    p.add_argument("--job", default=None, metavar="JOB.txt",
                   help="make the scenario from a job ad (plain text)")
    p.add_argument("--resume", default=None, metavar="CV.txt",
                   help="with --job: what the ad asks for and the resume lacks are the weak spots")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="closer",
        description="Practise asking for the job at the end of an interview, offline.")
    parser.add_argument("--debug", action="store_true", help="log debug details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("score", help="score a written or spoken close")
    _add_round(p)
    _add_model(p)
    p.add_argument("--json", action="store_true", help="one JSON object per line per FILE")
    p.add_argument("--explain", action="store_true",
                   help="say why, clause by clause: the concepts that fired and the vetoes")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="text (.txt, or - for stdin) or audio file")

    p = sub.add_parser("demo", help="one complete round with nobody at the mic")
    _add_round(p)
    _add_model(p)
    _add_tts(p)
    p.add_argument("--out-dir", default=None,
                   help="where WAV files go when there are no speakers "
                        "(default: a folder under the user cache dir)")

    p = sub.add_parser("drill", help="a spoken practice conversation at the desk mic")
    p.add_argument("--round", choices=ROUND_CHOICES, default=None,
                   help="interview round (default: the scenario's round, else first; given, it "
                        "wins over the scenario's)")
    _add_drill_common(p)
    _add_scenario(p)
    p.add_argument("--once", action="store_true",
                   help="one wrap-up line, one answer, one verdict")

    p = sub.add_parser("rehearse", help="timed back-to-back drills across rounds "
                                           "(a scenario with a round keeps to that round)")
    _add_drill_common(p)
    _add_scenario(p)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--minutes", type=float, default=None, help="rehearse for this many minutes")
    g.add_argument("--reps", type=int, default=None, help="rehearse this many drills (default: 3)")
    p.add_argument("--time-limit", type=float, default=45.0,
                   help="per-answer limit in seconds (default: %(default)s)")

    p = sub.add_parser("history", help="recent attempts as a table")
    p.add_argument("--limit", type=int, default=20, help="how many attempts (default: %(default)s)")
    p.add_argument("--scenario", default=None, metavar="NAME",
                   help="only attempts whose scenario name contains NAME (any case)")
    p = sub.add_parser("scenario", help="print the scenario a job ad (and a resume) give, as TOML "
                                        "for --scenario")
    p.add_argument("--job", required=True, metavar="JOB.txt", help="the job ad, plain text")
    p.add_argument("--resume", default=None, metavar="CV.txt",
                   help="your resume, plain text: what it does not name become the weak spots")
    p = sub.add_parser("progress", help="pass rate and score over time, plotted to a PNG")
    p.add_argument("--out", default=None, help="PNG path (default: in the user data dir)")
    p = sub.add_parser("replay", help="play back a saved attempt and show its verdict")
    p.add_argument("id", type=int, help="attempt id from `closer history`")
    p.add_argument("--output-device", default=None,
                   help="output device index or name substring")
    p = sub.add_parser("export", help="export all attempts")
    p.add_argument("--format", choices=("csv", "json"), default="csv",
                   help="(default: %(default)s)")
    p.add_argument("--out", default="-", help="file path or - for stdout (default: %(default)s)")

    p = sub.add_parser("web", help="the drills in a local browser page (this machine only)")
    _add_round(p)
    _add_model(p)
    p.add_argument("--voice", default=None, metavar="ID",
                   help="the interviewer's voice, as for `closer drill` (default: Piper's joe)")
    p.add_argument("--rate", type=int, default=160,
                   help="speaking rate in words per minute (default: %(default)s)")
    p.add_argument("--port", type=int, default=8765,
                   help="port on 127.0.0.1; 0 picks a free one (default: %(default)s)")
    p.add_argument("--no-browser", action="store_true", help="print the address; open nothing")
    p.add_argument("--no-save-audio", action="store_true",
                   help="do not keep the recordings in history")

    sub.add_parser("devices", help="list audio inputs and outputs")
    sub.add_parser("voices", help="list the voices closer can speak with").add_argument(
        "--json", action="store_true", help="one JSON object per voice per line")
    p = sub.add_parser("mic-check", help="show the mic level for a few seconds and judge it")
    p.add_argument("--input-device", default=None,
                   help="input device index or name substring")
    p.add_argument("--seconds", type=float, default=5.0,
                   help="how long to listen (default: %(default)s)")
    return parser


# command name -> module under closer.commands with a `run(args) -> int`
_COMMANDS = {
    "score": "score", "demo": "demo", "drill": "drill", "rehearse": "rehearse",
    "history": "history", "progress": "history", "replay": "history", "export": "history",
    "scenario": "scenario",
    "devices": "devices", "mic-check": "devices", "voices": "voices", "web": "web",
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        module = importlib.import_module(f"closer.commands.{_COMMANDS[args.command]}")
        return int(module.run(args))
    except UserError as exc:
        print(f"closer: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("closer: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `closer voices | head`: the reader left; nothing to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
