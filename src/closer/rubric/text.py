"""Text handling for the rubric: normalise transcript-style text, split it into clauses, and tell a
question or request addressed to the interviewer from a statement.

Transcripts lose capitals and punctuation and run sentences together ("so what are the next
steps and is there any reason you wouldnt move me forward"), so a clause is a question when it
ends in "?", opens like a question (after lead-ins such as "so", "based on what we discussed"),
contains an inversion ("is there", "do you"), or is a request ("could you walk me through",
"I'd love to know"); an imperative ("let me know", "tell me") only at the start of a clause or
after "please". A wh-phrase inside a statement ("I'll wait to hear about what's next", "the
recruiter explained what happens next") does not ask. Fillers and hedges are removed before
meaning is matched. Recogniser near-misses keep a clause a question: a lost auxiliary ("[do] you
have any concerns"), "would you" heard as "what you" (a yes/no ask, not a wh-question); a
first-person request after "and" starts a new clause ("..., and I'd like to know if...").
A question Whisper cut in two at a thinking pause ("Is there any reason why? You wouldn't feel
comfortable passing me on.") is one sentence again before it is split into clauses.
A condition or a fronted topic whose main clause is an imperative or an invitation asks too ("if
anything holds you back on me, tell me", "any worry about my record, put it to me now", "if
something falls short, this is the moment to say so").
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass

from closer.rubric import lexicon

_SENTENCE_END = re.compile(r"(?<=[.?!;])\s+|\n+")
_CONNECTORS = frozenset({"and", "but", "so", "also", "then", "or", "okay", "ok", "thanks", "great",
                         "well", "now", "alright", "perfect"})
_THANKS_END = frozenset({"you", "much", "today", "time"})
_WH = frozenset({"what", "when", "where", "who", "whom", "whose", "which", "how", "why"})
_ASIDE = re.compile(r",\s*if any\s*,", re.IGNORECASE)  # "what reservations, if any, do you have"
_DANGLING_MARK = re.compile(r"(\?|\.\.\.|\u2026)[\"')»”]*$")  # "...why?" / "...why..." at a pause
_FINAL_MARK = re.compile(r"[.!?\u2026]*[\"')»”]*$")
_MAX_BEFORE_WH = 2  # words before an inner "what's next" that leave it an ask ("cool what's next")
_FRAMES = frozenset({"based", "given", "having", "considering", "from", "after", "with", "in"})
# A verb after a pause that carries one of these on ("you'll, well, offer me..."): no imperative.
_AUXILIARIES = frozenset({"will", "would", "could", "can", "might", "may", "should", "shall",
                          "must"})
# The subject of a modal inversion ("could I", "would you"): the verb is still to come.
_INVERTED_SUBJECTS = frozenset({"i", "you", "we"})
_TAIL_ADVERBS = frozenset({"now", "then"})  # "what happens now | do I wait": stays with the left
# A time asked after a preposition ("on what day...", "by which date...", "within what time frame")
# is a wh-question (about a timeline, not a yes/no request).
_TIME_WH = re.compile(r"(on|by|at|in|within|around|before|until) (what|which) "
                      r"(date|day|week|month|time ?frame|timeframe|time)\b|by when\b")


@dataclass(frozen=True)
class Clause:
    """One clause: normalised words, the original words it came from, and how it asks."""

    text: str
    raw: str
    sentence: int
    asks: bool
    wh: bool
    core: str  # the clause without its lead-ins


# normalise() is called for every raw token of every clause analysis (a stronger close analyses
# dozens of candidate texts, the live turn decision the whole transcript on each update) and runs
# every contraction pattern each time: 45% of scoring and rewriting a close went here. Results
# are kept per (text, keep_commas), for the contraction table they were made with.
_NORMALISED: dict[tuple[str, bool], str] = {}
_NORMALISED_WITH: object = None  # the contraction table _NORMALISED was made with
_NORMALISED_LIMIT = 50_000  # entries (short strings): a few MB at most, then start again


def normalise(text: str, keep_commas: bool = False) -> str:
    """Lower case, straight quotes, contractions expanded; punctuation (but commas) dropped."""
    global _NORMALISED_WITH
    rules = lexicon.contractions()
    if _NORMALISED_WITH is not rules or len(_NORMALISED) > _NORMALISED_LIMIT:
        _NORMALISED.clear()
        _NORMALISED_WITH = rules
    key = (text, keep_commas)
    done = _NORMALISED.get(key)
    if done is None:
        done = _NORMALISED[key] = _normalise(text, keep_commas, rules)
    return done


def _normalise(text: str, keep_commas: bool,
               rules: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    t = re.sub(r"[\u201c\u201d\"«»]", " ", t)
    t = re.sub(r"(?<=\w)-(?=\w)", " ", t)
    for pat, repl in rules:
        t = pat.sub(repl, t)
    t = t.replace("'", "")
    keep = r"[^a-z0-9, ]" if keep_commas else r"[^a-z0-9 ]"
    t = re.sub(r"[.?!;:]", " , " if keep_commas else " ", t)
    t = re.sub(keep, " ", t)
    if keep_commas:
        t = re.sub(r"\s*,[\s,]*", ", ", t).strip(", ")
    return re.sub(r"\s+", " ", t).strip()


def word_count(text: str) -> int:
    return len(normalise(text).split())


def _tokens(raw_sentence: str) -> list[tuple[str, int, bool]]:
    """(normalised word, index of raw token, raw token ended with a comma) for each word."""
    out: list[tuple[str, int, bool]] = []
    before = lexicon.phrases().get("contractions_before", {})
    raw = raw_sentence.split()
    for i, tok in enumerate(raw):
        comma = tok.rstrip("\"')»”").endswith((",", ":", "—", "-"))
        words = normalise(tok).split()
        if len(words) == 1 and words[0] in before and i + 1 < len(raw) and not comma:
            expanded, next_words = before[words[0]]
            if re.fullmatch(next_words, " ".join(normalise(raw[i + 1]).split()[:1])):
                words = expanded.split()
        for w in words:
            out.append((w, i, comma))
    return out


def remove_noise(text: str) -> str:
    """Drop fillers and hedges that carry no meaning for the checks ("i would kind of like to")."""
    return re.sub(r"\s+", " ", lexicon.pattern("noise").sub(" ", text)).strip()


def _opens_question(words: list[str], i: int) -> bool:
    rest = remove_noise(" ".join(words[i:i + 8]))
    return lexicon.pattern("question_openers", anchored=True).match(rest) is not None


def _opens_after_lead_in(words: list[str], i: int) -> bool:
    """A question, a first-person request ("and I'd like to know if...") or an imperative
    ("then fill me in") starts at word i."""
    rest = strip_lead_ins(remove_noise(" ".join(words[i:i + 16])))
    if lexicon.pattern("question_openers", anchored=True).match(rest) is not None:
        return True
    request = lexicon.pattern("requests", anchored=True).match(rest)
    if rest.startswith("i ") and request is not None:
        return True
    # "raise any doubts now, then FILL ME IN on the timing": a second imperative, a second ask
    return lexicon.pattern("imperatives", anchored=True).match(rest) is not None


def strip_lead_ins(text: str) -> str:
    """Drop discourse lead-ins ("so", "okay", "my last question is") from the start of a clause."""
    pat = lexicon.pattern("lead_ins", anchored=True)
    while True:
        m = pat.match(text)
        if not m or m.end() == 0:
            break
        rest = text[m.end():].lstrip()
        if not rest:
            break
        text = rest
    words = text.split()
    if words and words[0] in _FRAMES:
        for k in range(2, min(len(words), 14)):
            if _opens_question(words, k):
                return " ".join(words[k:])
    return text


def _conditional_request(words: list[str], i: int) -> bool:
    """A condition whose main clause is a request starts at word i: "if anything stands between
    me and the next round, I'd like to hear it", "whether you'd be comfortable...". """
    if i >= len(words) or words[i] not in ("if", "whether", "should"):
        return False
    rest = " ".join(words[i:i + 24])
    return words[i] == "whether" or lexicon.find("requests", rest) is not None or any(
        lexicon.pattern("imperatives", anchored=True).match(" ".join(words[j:j + 6]))
        for j in range(i + 2, min(len(words), i + 20)))


def _main_clause_of_condition(words: list[str], i: int) -> bool:
    """Word i starts the invitation that is the main clause of a condition before it ("if
    anything gives you pause, | now is the moment to tell me"): one clause, not two."""
    invitation = lexicon.pattern("invitations", anchored=True).match(" ".join(words[i:]))
    return words[0] in ("if", "should") and invitation is not None


def _inversion_waits(before: list[str]) -> bool:
    """The words so far end in a modal and its subject ("could I", "would you", fillers and hedges
    aside): a question waiting for its verb, so a pause here starts no new clause."""
    rest = remove_noise(" ".join(before)).split()
    return len(rest) >= 2 and rest[-2] in _AUXILIARIES and rest[-1] in _INVERTED_SUBJECTS


def _split_points(tokens: list[tuple[str, int, bool]]) -> list[int]:
    """Indices of words that start a new clause inside one sentence."""
    words = [t[0] for t in tokens]
    points: list[int] = []
    for i in range(1, len(words)):
        if tokens[i][1] == tokens[i - 1][1]:
            continue  # inside one raw token ("wouldn't" -> "would not")
        after_comma = tokens[i - 1][2]
        connector = words[i] in _CONNECTORS
        thanks_then_wh = (words[i - 1] in _THANKS_END and words[i] in _WH
                          and any(w.startswith("thank") for w in words[max(0, i - 6):i]))
        if lexicon.pattern("question_tags", anchored=True).match(" ".join(words[i:])):
            continue  # "there's another round after this, isn't there?": one question
        if connector and (words[i - 1] in _WH or (
                "between" in words[max(0, i - 4):i] and not after_comma)):
            continue  # "how and when", "between me and what the panel wants": one clause
        if connector and words[i - 1] in _AUXILIARIES:
            continue  # "I'm hoping you'll, well, offer me the role": the verb of "you'll"
        if _inversion_waits(words[:i]):
            continue  # "Could I, sort of, have the job?": the verb comes after the pause
        if connector and _conditional_request(words, i + 1):
            points.append(i)  # "..., and if anything stands in the way, I'd like to hear it"
            continue
        if (words[i] in _TAIL_ADVERBS and i + 1 < len(words)
                and _opens_after_lead_in(words, i + 1)
                and not lexicon.pattern("invitations", anchored=True).match(" ".join(words[i:]))):
            points.append(i + 1)  # the adverb ends the clause before: "what happens now | do i..."
        elif ((connector and _opens_after_lead_in(words, i + 1)) or (
                (after_comma or thanks_then_wh) and _opens_question(words, i))) and not (
                _main_clause_of_condition(words, i)):
            points.append(i)
    return sorted(set(points))


def _asks(core: str, ends_q: bool) -> tuple[bool, bool]:
    """(asks, is a wh-question) for a clause core."""
    words = core.split()
    wh = (((bool(words) and words[0] in _WH) or _TIME_WH.match(core) is not None)
          and not lexicon.pattern("misheard_yes_no", anchored=True).match(core))
    if ends_q or wh or _opens_question(words, 0):
        # "could you tell me when...", "do you know when...": a wh-question inside a yes/no frame
        inside = lexicon.pattern("wh_inside_yes_no", anchored=True).match(core)
        return True, wh or inside is not None
    if words and words[0] in ("if", "should") and _conditional_request(words, 0):
        return True, False  # "if anything holds you back on me, tell me": the main clause asks
    req = (lexicon.find("requests", core)
           or lexicon.pattern("imperatives", anchored=True).match(core))
    if req is not None or lexicon.has("inner_questions", core):
        after = core[req.end():].split() if req else []
        return True, bool(after) and any(w in _WH for w in after[:4])
    inner = lexicon.find("embedded_wh", core)
    if inner is not None and len(core[:inner.start()].split()) <= _MAX_BEFORE_WH:
        return not is_statement(core), True
    return False, False


def _imperative_after_comma(raw: str) -> bool:
    """A fronted topic, then an imperative after a comma: "any worry you have about my record,
    put it to me now" asks (the imperative is the main clause)."""
    pieces = [remove_noise(normalise(p)) for p in raw.split(",")]
    imperative = lexicon.pattern("imperatives", anchored=True)
    for k in range(1, len(pieces)):
        before = [w for w in " ".join(pieces[:k]).split() if w not in _CONNECTORS]
        if before and before[-1] in _AUXILIARIES:
            continue  # "I'm hoping you'll, sort of, offer me the job": the verb of "you'll"
        if pieces[k] and imperative.match(strip_lead_ins(pieces[k])):
            return True
    return False


def _hedged_statement(words: list[str]) -> bool:
    """A first-person statement behind a hedge ("I guess I'm the right person?"): its "?" is an
    uncertain rise, not a question (an inversion or a tag inside it still asks)."""
    rest = strip_lead_ins(" ".join(words))
    if lexicon.pattern("hedged_statement", anchored=True).match(rest) is None:
        return False
    if lexicon.has("question_tags", rest):
        return False  # "I think I'm the right hire, wouldn't you say?"
    return lexicon.find("requests", remove_noise(rest)) is None  # "I suppose I'd like to ask..."


def is_statement(core: str) -> bool:
    """Does the clause open like a statement ("i will wait to hear...", "looking forward to...")?"""
    return lexicon.pattern("statement_frames", anchored=True).match(core) is not None


def _continues(question: str, sentence: str) -> bool:
    """Is `sentence` the rest of `question`, cut off at a pause after a word that cannot end it
    ("is there any reason why?" + "You wouldn't feel comfortable...")? The question has words
    before that word ("Why? Because I love this work." is a question and its answer), and the
    sentence asks nothing itself and does not open as an answer ("because...", "yes...")."""
    if _DANGLING_MARK.search(question) is None:
        return False
    q = strip_lead_ins(remove_noise(normalise(question)))
    if len(q.split()) < 2 or lexicon.find("dangling_question_ends", q) is None:
        return False  # (its entries end in "$": a match ends the question)
    rest = remove_noise(normalise(sentence))
    if not rest or lexicon.pattern("answer_openers", anchored=True).match(rest):
        return False
    if q.endswith(" to") and lexicon.pattern("imperatives", anchored=True).match(rest):
        return True  # "would you be happy to? | Put me forward.": the bare verb "to" wants
    return not _asks(strip_lead_ins(rest), False)[0]


def _rejoin(question: str, sentence: str) -> str:
    """"Is there any reason why?" + "You wouldn't..." -> "Is there any reason why you
    wouldn't...?" (the question's mark ends the whole)."""
    first, *more = sentence.split(maxsplit=1)
    pronoun_i = first[:1] == "I" and (len(first) == 1 or not first[1].isalpha())
    if not pronoun_i and first[1:2].islower():
        first = first[:1].lower() + first[1:]  # "You" -> "you"; "I'd", "CEO" stay
    rest = _FINAL_MARK.sub("", " ".join([first, *more])).rstrip()
    return f"{_DANGLING_MARK.sub('', question).rstrip()} {rest}?"


def sentences(text: str) -> list[str]:
    """The sentences of a close, a question cut in two at a pause rejoined (`_continues`)."""
    out: list[str] = []
    for s in _SENTENCE_END.split(text.strip()):
        s = (s or "").strip()
        if not s:
            continue
        if out and _continues(out[-1], s):
            out[-1] = _rejoin(out[-1], s)
        else:
            out.append(s)
    return out


def clauses(text: str) -> list[Clause]:
    """Split a close into clauses, each marked as asking or not."""
    out: list[Clause] = []
    for si, sent in enumerate(sentences(text)):
        sent = _ASIDE.sub(" if any ", sent)
        tokens = _tokens(sent)
        if not tokens:
            continue
        raw_tokens = sent.split()
        bounds = [0, *_split_points(tokens), len(tokens)]
        for a, b in itertools.pairwise(bounds):
            words = [t[0] for t in tokens[a:b]]
            raw = " ".join(raw_tokens[tokens[a][1]:tokens[b - 1][1] + 1])
            norm = remove_noise(" ".join(words))
            core = strip_lead_ins(norm)
            ends_q = (b == len(tokens) and sent.rstrip("\"')»” ").endswith("?")
                      and not lexicon.has("question_tags_not_asking", " ".join(words[-2:]))
                      and not _hedged_statement(words))
            asks, wh = _asks(core, ends_q)
            if not asks and _imperative_after_comma(raw):
                asks = True
            out.append(Clause(norm, raw, si, asks, wh, core))
    return _subordinate_frames(_frames_before_colon(out))


def _frames_before_colon(out: list[Clause]) -> list[Clause]:
    """A clause ending in ":" that introduces an ask in the same sentence is a frame, not a
    question of its own ("where I'd like to end is this: ...", "what's the verdict: am I...")."""
    for i, c in enumerate(out[:-1]):
        if (c.asks and c.raw.rstrip().endswith(":") and out[i + 1].sentence == c.sentence
                and out[i + 1].asks):
            out[i] = dataclasses.replace(c, asks=False, wh=False)
    return out


def _subordinate_frames(out: list[Clause]) -> list[Clause]:
    """A time or condition clause ending in "," before an ask in the same sentence frames that ask
    and asks nothing itself ("when the process wraps up, would anything keep me from...?");
    "when will I hear, and..." (an inversion) still asks."""
    for i, c in enumerate(out[:-1]):
        if (c.asks and c.raw.rstrip().endswith(",") and out[i + 1].sentence == c.sentence
                and out[i + 1].asks
                and lexicon.pattern("subordinate_frame", anchored=True).match(c.core)):
            out[i] = dataclasses.replace(c, asks=False, wh=False)
    return out


def frames(frame: Clause, clause: Clause) -> bool:
    """Is `frame` a time or condition clause put first in the sentence of `clause`, asking
    nothing itself ("before my name goes to the partners, ...", "in my first week, ...")? It
    belongs to the ask after it, which the checks read with it."""
    return (frame.sentence == clause.sentence and not frame.asks
            and lexicon.pattern("subordinate_frame", anchored=True).match(frame.core) is not None)
