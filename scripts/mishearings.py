"""Which key words tiny.en mishears on the degraded fixtures, and what the heard-as table buys.

Every degraded fixture (tests/speech_fixtures.py: the 48 closes of audio_manifest.json spoken by
Piper, clean and through each degradation of tests/degrade.py; and espeak-ng's noisy variant,
tests/audio_fixtures.py) is transcribed ONCE by closer's own transcriber (the bundled tiny.en,
`closer.speech.transcriber`, default settings), and the transcripts are kept in
tests/.cache/transcripts-<hash>.json, keyed by the fixture folders, the transcriber's settings and
source, and the model; a rerun reads them back, so the table is the same every time and costs
no Whisper time.

Each transcript is aligned word by word to its script (Levenshtein over normalised words, ties
broken the same way every time), and every run of words between two matches is one
substitution: "an offer" -> "an officer" is `offer -> officer`, "offer" -> "off her" is
`offer -> off her`. A substitution is counted when the script side holds a KEY word: a word the
next-step or trial-close grammar names (every prompts/phrases_next_step*.toml and
phrases_trial_close*.toml), less common function words (`_FUNCTION_WORDS`). `--all` shows every
substitution.

`--f1` then prints next_step / trial_close F1 per degradation with the heard-as table off and on
(prompts/heard_as.toml, closer.rubric.heard_as), side by side; how many transcripts the table
rewrote, how many of those clips are negative for a check, and how many rewrites brought the
transcript nearer its script (word edit distance; a rewrite that does not is a wrong reading);
and every verdict the table changed, labelled fixed or BROKEN.

Usage: .venv/bin/python scripts/mishearings.py [--f1] [--all] [--min-count 2]
       [--variants combined,echo,...] [--no-espeak] [--wide]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import audio_fixtures  # noqa: E402  (helper modules in tests/, not tests)
import speech_fixtures  # noqa: E402

CHECKS = ("next_step", "trial_close")
ESPEAK_VARIANT = "espeak-noisy"  # audio_fixtures' noisy variant: espeak-ng, pink noise at 20 dB
# --wide: the other spoken closes, for false passes (espeak-ng plain and slow; the paused closes,
# Piper and espeak-ng, tuning and held-out sets)
WIDE_VARIANTS = ("espeak-plain", "espeak-slow", "paused")
# The grammar files of the two checks, as globs: each check's grammar is split over several files.
GRAMMAR_FILES = ("phrases_next_step*.toml", "phrases_trial_close*.toml")
# Words the grammar names that carry no key meaning on their own: a substitution of one of these
# alone is Whisper's ordinary noise, not a key word lost ("the" -> "a").
_FUNCTION_TEXT = """
a an the to of in on at by for from with into onto about as and or but if so than that this these
those it its is are was were be been being am do does did done have has had having will would
shall should can could may might must i me my mine you your yours we us our they them their he
him his she her there here what when where who whom whose which how why not no any some all
just very too also up out off over then now one get got s t"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_TOKEN = re.compile(r"[a-z]+")


# ---- transcripts (Whisper runs once per fixture, then the cache answers) ---------------------

def clip_sets(variants: list[str], espeak: bool, wide: bool = False) -> dict[str, list[Any]]:
    """{variant: clips}: the Piper degraded set's variants, espeak-ng's noisy variant, and with
    `wide` the other spoken closes."""
    sets = {v: speech_fixtures.degraded_clips(v) for v in variants}
    names = ([ESPEAK_VARIANT] if espeak else []) + (list(WIDE_VARIANTS) if wide else [])
    for name in names:
        sets[name] = (speech_fixtures.paused_clips() if name == "paused"
                      else audio_fixtures.clips(name.removeprefix("espeak-")))
    return sets


def _fixture_folder(variant: str) -> str:
    """The cache folder a variant's audio lives in (its name is a hash of what shaped it)."""
    if variant.startswith("espeak-"):
        return audio_fixtures.cache_dir().name
    return speech_fixtures.cache_dir().name


def _cache_path() -> Path:
    """The transcript cache of this transcriber (settings, source, model and engine versions)."""
    from closer.settings import TranscriberSettings
    from closer.speech.transcriber import resolve_model

    sources = [ROOT / "src/closer/speech/transcriber.py", ROOT / "src/closer/audio/gain.py"]
    versions = [f"{d} {metadata.version(d)}" for d in ("faster-whisper", "ctranslate2")]
    blob = json.dumps([repr(TranscriberSettings()), resolve_model(None), versions,
                       [hashlib.sha256(p.read_bytes()).hexdigest() for p in sources]])
    digest = hashlib.sha256(blob.encode()).hexdigest()[:16]
    return audio_fixtures.cache_root() / f"transcripts-{digest}.json"


def transcripts(sets: dict[str, list[Any]]) -> dict[str, dict[str, str]]:
    """{variant: {clip id: transcript text}}, transcribing only what the cache lacks.

    Whisper on two busy cores is not bit-for-bit repeatable (2 of 384 transcripts differed
    between two runs), so the first transcript of a clip is the one every later run reads."""
    path = _cache_path()
    cached: dict[str, dict[str, str]] = (json.loads(path.read_text("utf-8"))
                                         if path.exists() else {})

    def key(variant: str, clip: Any) -> str:
        return f"{_fixture_folder(variant)}/{variant}/{clip.id}"

    missing = [(v, c) for v, clips in sets.items() for c in clips if key(v, c) not in cached]
    if missing:
        from closer.audio.decode import load_audio
        from closer.settings import TranscriberSettings
        from closer.speech.transcriber import load_transcriber

        print(f"transcribing {len(missing)} clips with tiny.en (once; cached in {path.name})",
              file=sys.stderr, flush=True)
        transcriber = load_transcriber(TranscriberSettings())
        for n, (variant, clip) in enumerate(missing, 1):
            cached[key(variant, clip)] = transcriber.transcribe(load_audio(clip.path)).text
            if n % 24 == 0 or n == len(missing):  # keep what is done if interrupted
                path.write_text(json.dumps(cached, indent=0, sort_keys=True) + "\n", "utf-8")
                print(f"  {n}/{len(missing)}", file=sys.stderr, flush=True)
    return {v: {c.id: cached[key(v, c)] for c in clips} for v, clips in sets.items()}


# ---- alignment --------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """The rubric's normalised words (lower case, contractions expanded, no punctuation)."""
    from closer.rubric.text import normalise

    return normalise(text).split()


def distance(ref: list[str], hyp: list[str]) -> int:
    """Word edit distance (substitutions, deletions and insertions each cost 1)."""
    row = list(range(len(hyp) + 1))
    for i, said in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, heard in enumerate(hyp, 1):
            prev, row[j] = row[j], min(prev + (said != heard), row[j] + 1, row[j - 1] + 1)
    return row[-1]


def align(ref: list[str], hyp: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Word-level Levenshtein alignment of `hyp` to `ref`, as the runs between matches:
    [(script words, heard words)], each run non-empty on at least one side; pure, deterministic
    (a match is preferred, then a substitution, then a deletion, then an insertion)."""
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = ref[i - 1] == hyp[j - 1]
            cost[i][j] = min(cost[i - 1][j - 1] + (0 if same else 1),
                             cost[i - 1][j] + 1, cost[i][j - 1] + 1)
    runs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    said: list[str] = []
    heard: list[str] = []
    i, j = n, m
    while i or j:
        if i and j and ref[i - 1] == hyp[j - 1] and cost[i][j] == cost[i - 1][j - 1]:
            if said or heard:
                runs.append((tuple(reversed(said)), tuple(reversed(heard))))
                said, heard = [], []
            i, j = i - 1, j - 1
            continue
        if i and j and cost[i][j] == cost[i - 1][j - 1] + 1:
            said.append(ref[i - 1])
            heard.append(hyp[j - 1])
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            said.append(ref[i - 1])
            i -= 1
        else:
            heard.append(hyp[j - 1])
            j -= 1
    if said or heard:
        runs.append((tuple(reversed(said)), tuple(reversed(heard))))
    return list(reversed(runs))


def key_words() -> frozenset[str]:
    """The words the next-step and trial-close grammar names, less function words."""
    from closer import prompts

    found: set[str] = set()
    paths = sorted({p for glob in GRAMMAR_FILES for p in prompts.prompts_dir().glob(glob)})
    for path in paths:
        text = path.read_text("utf-8")
        for line in text.splitlines():
            entry = line.split("#", 1)[0].strip()
            if entry.startswith("'") or entry.startswith('"'):  # an entry line of a list
                found.update(_TOKEN.findall(re.sub(r"\\[a-z]|\{\w+\}", " ", entry)))
    return frozenset(w for w in found if len(w) > 1 and w not in _FUNCTION_WORDS)


# ---- the table --------------------------------------------------------------------------------

Substitution = tuple[str, str, str]  # (variant, script words, heard words)


def substitutions(sets: dict[str, list[Any]], texts: dict[str, dict[str, str]],
                  keys: frozenset[str] | None) -> dict[Substitution, list[str]]:
    """{(variant, said, heard): clip ids} for every run holding a key word (any run: keys None)."""
    found: dict[Substitution, list[str]] = defaultdict(list)
    for variant, clips in sets.items():
        for clip in clips:
            for said, heard in align(words(clip.record["text"]), words(texts[variant][clip.id])):
                if keys is None or any(w in keys for w in said):
                    found[(variant, " ".join(said), " ".join(heard) or "-")].append(clip.id)
    return found


def format_table(found: dict[Substitution, list[str]], min_count: int) -> str:
    """Degradation x key word x heard-as x count, most frequent first, then the totals."""
    rows = sorted(((v, s, h, ids) for (v, s, h), ids in found.items() if len(ids) >= min_count),
                  key=lambda r: (-len(r[3]), r[1], r[2], r[0]))
    width_s = max([len(r[1]) for r in rows] + [10])
    width_h = max([len(r[2]) for r in rows] + [8])
    out = [f"{'degradation':<13}{'script':<{width_s + 2}}{'heard as':<{width_h + 2}}count  clips",
           *(f"{v:<13}{s:<{width_s + 2}}{h:<{width_h + 2}}{len(ids):>5}  {' '.join(ids[:6])}"
             for v, s, h, ids in rows)]
    totals: Counter[tuple[str, str]] = Counter()
    where: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (v, s, h), ids in found.items():
        totals[(s, h)] += len(ids)
        where[(s, h)].add(v)
    out += ["", "over all degradations (count >= 2):",
            *(f"  {s!r} -> {h!r}: {n} ({', '.join(sorted(where[(s, h)]))})"
              for (s, h), n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2)]
    return "\n".join(out)


# ---- F1 with the heard-as table off and on ----------------------------------------------------

def f1_rows(sets: dict[str, list[Any]], texts: dict[str, dict[str, str]]) -> tuple[str, str]:
    """The side-by-side F1 table and the list of verdicts the table changed."""
    from closer.rubric import evaluate, heard_as
    from closer.rubric.semantic.hook import fallback_from_env
    from closer.types import Transcript

    fallback = fallback_from_env({})
    head = (f"{'variant':<13}" + "".join(f"{c + ' off':>17}{c + ' on':>16}" for c in CHECKS)
            + "  rewritten  negative  nearer the script")
    lines, changed = [head], []
    for variant, clips in sets.items():
        expected: dict[str, list[bool]] = {c: [] for c in CHECKS}
        got: dict[bool, dict[str, list[bool]]] = {False: {c: [] for c in CHECKS},
                                                  True: {c: [] for c in CHECKS}}
        rewritten = negative = nearer = 0
        for clip in clips:
            text = texts[variant][clip.id]
            if heard_as.apply(text) != text:  # a right reading is nearer the script
                rewritten += 1
                negative += not all(clip.record[c] for c in CHECKS)
                said = words(clip.record["text"])
                nearer += distance(said, words(heard_as.apply(text))) < distance(said, words(text))
            verdicts = {on: evaluate(Transcript(text), clip.record["round"], None, fallback,
                                     mishearings=on) for on in (False, True)}
            for check in CHECKS:
                expected[check].append(bool(clip.record[check]))
                for on in (False, True):
                    got[on][check].append(verdicts[on].checks[check].passed)
                before, after = got[False][check][-1], got[True][check][-1]
                if before != after:
                    right = "fixed" if after == expected[check][-1] else "BROKEN"
                    changed.append(f"  {variant} {clip.id} {check} {before} -> {after} "
                                   f"({right}): {text!r}")
        lines.append(f"{variant:<13}" + "".join(
            f"{speech_fixtures.f1(expected[c], got[False][c]):>17.3f}"
            f"{speech_fixtures.f1(expected[c], got[True][c]):>16.3f}" for c in CHECKS)
            + f"  {rewritten:>9} {negative:>9} {nearer:>18}")
    return "\n".join(lines), "\n".join(changed) or "  (none)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--f1", action="store_true",
                        help="also F1 per degradation with the heard-as table off and on")
    parser.add_argument("--all", action="store_true", help="every substitution, not key words")
    parser.add_argument("--min-count", type=int, default=1, help="rows seen this often (1)")
    parser.add_argument("--variants", default=None,
                        help="comma-separated Piper variants (default: all, clean included)")
    parser.add_argument("--no-espeak", action="store_true",
                        help="leave out espeak-ng's noisy variant (tests/audio_fixtures.py)")
    parser.add_argument("--wide", action="store_true",
                        help="also espeak-ng's plain and slow closes and the paused closes "
                             "(192 clips more; what the table must not turn into false passes)")
    args = parser.parse_args()
    names = (args.variants.split(",") if args.variants
             else speech_fixtures.load_manifest()["degraded"]["variants"])
    sets = clip_sets(names, espeak=not args.no_espeak, wide=args.wide)
    texts = transcripts(sets)
    keys = None if args.all else key_words()
    clips = sum(len(c) for c in sets.values())
    print(f"{clips} clips ({', '.join(f'{v} {len(c)}' for v, c in sets.items())}); "
          f"{'every word' if keys is None else f'{len(keys)} key words'}\n")
    print(format_table(substitutions(sets, texts, keys), args.min_count))
    if args.f1:
        table, changed = f1_rows(sets, texts)
        print("\nF1 per degradation, heard-as table off / on (prompts/heard_as.toml):")
        print(table)
        print("\nverdicts the table changed:\n" + changed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
