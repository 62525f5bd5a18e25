"""Objections worded from the candidate's weak spots (`prompts/weak_spots.toml`), pure and seeded.

"no production Kubernetes" -> "You haven't worked with Kubernetes in production, have you?";
"lives 90 minutes away" -> "You'd be about 90 minutes away from the office; ..."; anything
unrecognised -> "I'm a little worried about <weak spot>." The kind is the first whose cue the
weak spot contains (a credential from the skills lexicon makes it a qualification); the slots are
read from the weak spot's own words; among the templates whose slots were all found, those naming
the most slots are drawn from (so a found number or place is used), one `rng.choice`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from closer import prompts
from closer.scenario.fill import fill, usable
from closer.scenario.skills import lexicon

_NUMBER = (r"\d+(?:\.\d+)?\+?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
           r"|eighteen|a couple of|a few|half a|half an")
_DURATION = re.compile(rf"\b({_NUMBER})[\s-]+(year|month|week)s?\b", re.IGNORECASE)
_DISTANCE = re.compile(
    rf"\b({_NUMBER})[\s-]*(minutes?|mins?|hours?|hrs?|miles?|km|kilomet(?:re|er)s?)\b",
    re.IGNORECASE)
_PLACE = re.compile(r"\b(?:in|from|to|near)\s+([A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*)")
_ORIGIN = re.compile(r"\b(?:coming from|background in|switching from|moving from|transitioning from"
                     r"|career change from|changing careers from|from)\s+(?:an?\s+|the\s+)?"
                     r"(.+?)(?:\s+(?:to|into|and)\b.*)?$", re.IGNORECASE)
_UNITS = {"min": "minute", "mins": "minutes", "hr": "hour", "hrs": "hours"}
_SINGULAR = {"1", "a", "an", "one", "half a", "half an"}
# first -> second person, word by word ("my accent" -> "your accent")
_PERSON = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
           "i'm": "you're", "am": "are", "i've": "you've", "i'd": "you'd", "i'll": "you'll"}
# a weak spot written without its subject ("lives 90 minutes away"): the candidate is "you"
_THIRD = {"has": "have", "is": "are", "lives": "live", "needs": "need", "speaks": "speak",
          "talks": "talk", "gets": "get", "works": "work", "tends": "tend", "lacks": "lack"}


@dataclass(frozen=True)
class Worded:
    kind: str  # the [[kinds]] name
    options: tuple[str, ...]  # the objections it can give, in template order


def content_default() -> dict[str, Any]:
    return prompts.load("weak_spots")


def _words(text: str) -> str:
    return " " + " ".join(re.sub(r"[^\w'+#&/.-]+", " ", text.lower().replace("\u2019", "'"))
                          .replace("-", " ").split()) + " "


def _has_cue(words: str, cues: list[str]) -> bool:
    return any(f" {_words(c).strip()} " in words for c in cues)


def _second_person(text: str) -> str:
    tokens = text.split()
    out = [_PERSON.get(t.lower(), t) if t.lower() in _PERSON else t for t in tokens]
    if out and out[0].lower() in _THIRD:
        out = ["you", _THIRD[out[0].lower()], *out[1:]]
    return " ".join(out)


def _clean(spot: str) -> str:
    spot = " ".join(spot.split()).strip(" .;,!")
    first = spot.split(" ", 1)[0]
    proper = any(f.start == 0 for f in lexicon().find(spot))
    if first[:1].isupper() and first[1:].islower() and not proper and first != "I":
        spot = spot[0].lower() + spot[1:]
    return spot


def _strip(text: str, front: list[str], back: list[str]) -> str:
    """Drop `front` phrases from the start and `back` from the end, repeatedly (longest first)."""
    front = sorted(front, key=len, reverse=True)
    back = sorted(back, key=len, reverse=True)
    changed = True
    while changed and text:
        changed = False
        for phrase in front:
            m = re.match(rf"{_phrase(phrase)}(?:\s+|$)", text, re.IGNORECASE)
            if m:
                text, changed = text[m.end():], True
                break
        for phrase in back:
            m = re.search(rf"(?:^|\s+){_phrase(phrase)}$", text, re.IGNORECASE)
            if m:
                text, changed = text[:m.start()], True
                break
    return text.strip(" ,.;")


def _phrase(phrase: str) -> str:
    return r"[\s-]+".join(re.escape(w).replace("'", "['\u2019]?") for w in phrase.split())


def _qualifier(text: str, qualifiers: dict[str, str]) -> tuple[str, str]:
    """(text without the qualifier, the qualifier's phrase) — "production Kubernetes" ->
    ("Kubernetes", "in production")."""
    for word in sorted(qualifiers, key=len, reverse=True):
        m = re.search(rf"(?:^|\s+){_phrase(word)}(?=\s|$)", text, re.IGNORECASE)
        if m:
            rest = (text[:m.start()] + text[m.end():]).strip()
            return " ".join(rest.split()), qualifiers[word]
    return text, ""


def _article(subject: str, countable: list[str], always: bool = False) -> str:
    last = subject.split()[-1].lower() if subject else ""
    if not last or (last not in countable and not always):
        return ""
    first = subject.split()[0]
    if first.isupper() and len(first) > 1:  # an acronym: said letter by letter
        vowel = first[0] in "AEFHILMNORSX"
    else:
        vowel = first[0].lower() in "aeio" or (first.lower().startswith("u")
                                               and not first.lower().startswith(("uni", "use")))
    return f"{'an' if vowel else 'a'} {subject}"


def _amount(match: re.Match[str] | None) -> str:
    if match is None:
        return ""
    number, unit = match.group(1).lower().rstrip("+"), match.group(2).lower()
    unit = _UNITS.get(unit, unit).rstrip("s")
    if unit in ("km",):
        return f"{number} km"
    return f"{number} {unit}" if number in _SINGULAR else f"{number} {unit}s"


def _slots(spot: str, kind: dict[str, Any], content: dict[str, Any]) -> dict[str, str]:
    subject = _second_person(_strip(spot, list(kind.get("strip", [])),
                                    list(kind.get("trailing", []))))
    subject, qualifier = _qualifier(subject, content.get("qualifiers", {}))
    subject = _strip(subject, list(kind.get("strip", [])), list(kind.get("trailing", [])))
    countable = list(content.get("articles", {}).get("countable", []))
    creds = [f for f in lexicon().find(spot) if f.skill.kind == "credential"]
    if creds and subject and not _article(subject, countable) and not subject.isupper():
        subject = creds[0].skill.name  # "no bachelor's" -> "a bachelor's degree"
    if not re.search(r"[A-Za-z]", subject):
        subject = ""
    said = _second_person(spot)
    clause = said.lower().startswith("you ")
    origin = _ORIGIN.search(spot)
    place = _PLACE.search(spot)
    return {
        "subject": subject,
        "Subject": subject[:1].upper() + subject[1:],
        "a_subject": _article(subject, countable, bool(kind.get("always_article"))),
        "credential": subject if creds and not _article(subject, countable) else "",
        "qualifier": qualifier,
        "duration": _amount(_DURATION.search(spot)),
        "distance": _amount(_DISTANCE.search(spot)),
        "place": place.group(1) if place else "",
        "origin": origin.group(1).strip(" ,.") if origin else "",
        "spot": "" if clause else said,
        "spot_clause": said if clause else "",
    }


def _kind(spot: str, content: dict[str, Any]) -> dict[str, Any]:
    kinds = content["kinds"]
    words = _words(spot)
    if any(f.skill.kind == "credential" for f in lexicon().find(spot)):
        return next(k for k in kinds if k["name"] == "qualification")
    for kind in kinds:
        if kind["cues"] and _has_cue(words, kind["cues"]):
            return kind
    return kinds[-1]


def word_weak_spot(weak_spot: str, content: dict[str, Any] | None = None) -> Worded:
    """The kind of `weak_spot` and every objection it can give (pure)."""
    data = content if content is not None else content_default()
    spot = _clean(weak_spot)
    kind = _kind(spot, data)
    for candidate in (kind, data["kinds"][-1]):
        slots = _slots(spot, candidate, data)
        found = usable(list(candidate["templates"]), slots)
        if found:
            return Worded(candidate["name"], tuple(fill(t, slots) for t in found))
    return Worded("other", (f"I'm a little worried about {_second_person(spot)}.",))


def objection_for(weak_spot: str, rng: random.Random,
                  content: dict[str, Any] | None = None) -> str:
    """One objection for `weak_spot`, drawn with `rng` (one call)."""
    return rng.choice(word_weak_spot(weak_spot, content).options)
