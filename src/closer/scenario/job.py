"""A job ad (and a resume) read into a scenario: deterministic, no network, no language model.

What is read (the word lists are `prompts/job_ad.toml`, the skills `prompts/skills.toml`):
- the role: a "Job title:" line, else a short first line ending with a job noun ("Senior Data
  Engineer – Remote" -> "Senior Data Engineer"), else what the company is "hiring" or "looking for";
- the company: a "Company:" line, an "About <Name>" heading, "<Name> is hiring ...", "<Name> is a
  ...", "Join <Name>"; the interviewer's title from "report to the <title>";
- the requirements: the items (bullets, or the lines of a list without marks) of the sections
  under a requirements heading ("Requirements", "What you'll need", "Qualifications", ...). Each
  skill or credential the lexicon finds in an item is one; an item the lexicon finds nothing in
  but that starts with an experience lead-in ("Experience building data pipelines") gives its
  noun phrase ("building data pipelines"); attitude items ("Excellent communication") are left
  out. Items under "Nice to have" are wanted, not required. When the ad has no requirements
  heading, every bullet of the ad is read as a requirement;
- the hiring steps under a process heading, for the user to pick the real next step from;
- the skills named in the bullets of the other sections (the duties), listed after the asked-for
  ones for the interviewer's generic skill objection, never weak spots.

With a resume, the weak spots are, in the ad's order: the job itself when the resume never names
it ("never worked as an account executive"), then each required skill, credential or phrase the
resume does not name (a skill by any alias of its entry: "EKS" covers "Kubernetes"; a phrase when
at least half its content words appear). A resume that names a skill covers it, whatever it says
about it: the weak spots are a starting point to edit, not a judgement.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from closer import prompts
from closer.scenario.model import Interviewer, Scenario, scenario_name
from closer.scenario.skills import Found, lexicon

MAX_WEAK_SPOTS = 6  # the first ones in the ad's order; the rest are listed in a comment
MAX_SKILLS = 12
MAX_PHRASE_WORDS = 6
_STEM = 5  # characters compared when a resume is checked for a phrase ("pipelines" ~ "pipeline")

_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25e6\u2023\u2013\u2014+>]|\d{1,2}[.)]"
                     r"|\(?[a-z][.)])\s+(.*\S)\s*$")
_NAME = r"(?:[A-Z][\w&'.-]*|&)(?:\s+(?:[A-Z][\w&'.-]*|&|of|and|de|the)){0,4}"
_NOT_A_NAME = {"our", "we", "this", "the", "you", "it", "join", "about", "here", "that", "there",
               "at", "your", "they", "he", "she", "a", "an", "if", "as", "in", "for", "with"}
_ABBREVIATIONS = {"co", "inc", "ltd", "corp", "bros", "plc", "llc", "st", "intl"}  # keep the "."
_YEARS = re.compile(r"^(?:at least|minimum(?: of)?|over|more than)?\s*\d+\s*\+?\s*(?:-\s*\d+\s*)?"
                    r"(?:years?|yrs?)['\u2019]?\s+(?:of\s+)?", re.IGNORECASE)
_CUT = re.compile(r"\s*(?:[,;:(]|\s[-\u2013\u2014]\s|\bsuch as\b|\bincluding\b|\be\.g\.|\bideally\b"
                  r"|\bpreferably\b|\bespecially\b|\bor similar\b|\bor equivalent\b|\bwhere\b"
                  r"|\bwhich\b|\bthat\b|\bwho\b)")
_SMALL = {"a", "an", "the", "and", "or", "of", "in", "with", "for", "to", "on", "at", "by", "from",
          "as", "our", "your", "their", "its", "is", "are", "be", "any", "other", "similar", "etc",
          "strong", "good", "excellent", "solid", "proven", "relevant", "previous", "some"}


@dataclass(frozen=True)
class Requirement:
    text: str  # how it is written: "Kubernetes", "ACLS", "building data pipelines"
    kind: str  # "skill" | "credential" | "phrase"
    required: bool  # False: under a nice-to-have heading
    line: int  # 1-based line of the ad
    skill_id: str | None = None  # the lexicon entry (skills and credentials)

    @property
    def weak_spot(self) -> str:
        """How the candidate would put it, missing: "no experience with Kubernetes", "no ACLS"."""
        if self.kind == "credential":
            return f"no {self.text}"
        if self.kind == "phrase" and self.text.split()[0].lower().endswith("ing"):
            return f"no experience {self.text}"
        return f"no experience with {self.text}"


@dataclass(frozen=True)
class JobAd:
    role: str | None
    company: str | None
    reports_to: str | None  # the hiring manager's title, a likely interviewer
    requirements: tuple[Requirement, ...]  # from the requirement sections, in order
    mentioned: tuple[Requirement, ...]  # skills named elsewhere in the ad (duties, the role)
    process: tuple[str, ...]  # the hiring steps, as written

    def skills(self) -> tuple[str, ...]:
        """The skills and credentials it asks for: required, wanted, then named elsewhere."""
        out: dict[str, str] = {}
        ordered = ([r for r in self.requirements if r.required]
                   + [r for r in self.requirements if not r.required] + list(self.mentioned))
        for r in ordered:
            if r.skill_id and r.skill_id not in out:
                out[r.skill_id] = r.text
        return tuple(out.values())[:MAX_SKILLS]


@dataclass(frozen=True)
class JobScenario:
    """What `closer scenario` prints: the scenario and what it was made from."""

    scenario: Scenario
    ad: JobAd
    missing: tuple[str, ...]  # every weak spot found (the scenario keeps the first ones)
    with_resume: bool


@functools.cache
def _content() -> dict[str, Any]:
    return prompts.load("job_ad")


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


def _has_phrase(text: str, phrases: list[str]) -> bool:
    padded = " ".join(re.sub(r"[^a-z0-9+#&/' -]+", " ", _plain(text)).split())
    return any(re.search(rf"(?<![\w-]){re.escape(_plain(p))}(?![\w-])", padded) for p in phrases)


def _heading(line: str) -> str | None:
    """The kind of section a line heads ("required", "nice", "process", "other"), or None."""
    if _BULLET.match(line):
        return None
    raw = line.strip()
    text = _plain(raw.strip("#*_=").strip()).rstrip(":").strip(" *_")
    if not text:
        return None
    headings = _content()["headings"]
    for kind in ("required", "nice", "process", "other"):
        for h in headings[kind]:
            if text == h or re.match(rf"{re.escape(h)}(?:\s*(?:&|and|/|\(|-)|$)", text):
                return kind
    if text.startswith("about ") and len(text.split()) <= 5:
        return "other"
    words = text.split()
    marked = raw.endswith(":") or raw.startswith("#") or (raw.isupper() and len(words) <= 4)
    return "other" if marked and len(words) <= 6 and not raw.endswith(".") else None


def _clean_role(title: str) -> str | None:
    title = re.split(r"\s+[-\u2013\u2014|/]\s+|\s*[(,\u2013\u2014|]", title.strip())[0].strip(" .:")
    if title.isupper():
        title = title.title()
    words = _plain(title).split()
    if not words or len(words) > 7:
        return None
    nouns = set(_content()["role_nouns"])
    return title if words[-1] in nouns or (len(words) > 1 and words[-2] in nouns) else None


def _label(lines: list[str], labels: str) -> str | None:
    for line in lines:
        m = re.match(rf"^\s*(?:{labels})\s*[:\u2013-]\s*(\S.*?)\s*$", line, re.IGNORECASE)
        if m:
            return m.group(1)
    return None


def _role(lines: list[str], text: str) -> str | None:
    labelled = _label(lines, r"job title|title|position|role|vacancy|job")
    if labelled and _clean_role(labelled):
        return _clean_role(labelled)
    first = next((ln for ln in lines if ln.strip()), "")
    if first and not first.rstrip().endswith(".") and _heading(first) in (None, "other"):
        at = re.match(r"^(.*?)\s+at\s+[A-Z]", first)
        role = _clean_role(at.group(1) if at else first)
        if role:
            return role
    m = re.search(r"\b(?:hiring|looking for|seeking|recruiting)\s+(?:an?|our next|a new)\s+"
                  r"([^,.;:()]+?)(?=\s+(?:to|who|with|for|in|at|on|that|and|based)\b|[,.;:(]|$)",
                  text, re.MULTILINE)
    return _clean_role(m.group(1)) if m else None


def _name(candidate: str | None) -> str | None:
    if not candidate:
        return None
    words = candidate.split()
    while words and words[-1].lower() in {"of", "and", "the", "&", "de"}:
        words.pop()
    if not words or words[0].lower() in _NOT_A_NAME:
        return None
    name = " ".join(words).strip(" ,")
    if name.endswith(".") and words[-1].lower().rstrip(".") not in _ABBREVIATIONS:
        name = name.rstrip(".")
    return name


def _company(lines: list[str], text: str) -> str | None:
    labelled = _label(lines, r"company|employer|organi[sz]ation|hiring company|client")
    if labelled:
        return labelled.strip(" .")
    first = next((ln for ln in lines if ln.strip()), "")
    patterns = [
        rf"^\s*#*\s*About\s+({_NAME})\s*:?\s*$",
        rf"\b({_NAME})\s+(?:is|are)\s+(?:hiring|looking for|seeking|recruiting)\b",
        rf"(?:^|(?<=[.!?]\s))({_NAME})\s+(?:is|are)\s+(?:a|an|the|one of)\b",
        rf"\bJoin\s+({_NAME})\b",
    ]
    at = re.match(rf"^.*?\s+at\s+({_NAME})\s*$", first)
    if at and _name(at.group(1)):
        return _name(at.group(1))
    for pattern in patterns:
        for m in re.finditer(pattern, text, re.MULTILINE):
            name = _name(m.group(1))
            if name:
                return name
    return None


def _reports_to(text: str) -> str | None:
    m = re.search(r"\breport(?:s|ing)?\s+(?:directly\s+)?(?:in)?to\s+(?:the|our|a)\s+"
                  r"([A-Za-z][\w&/-]*(?:\s+(?:of|for|and|&|[A-Za-z][\w&/-]*)){0,5}?)"
                  r"(?=\s*[,.;]|\s+(?:who|and|in|on|at|based)\b|\s*$)", text,
                  re.MULTILINE | re.IGNORECASE)
    if not m:
        return None
    title = m.group(1).strip()
    words = _plain(title).split()
    nouns = set(_content()["role_nouns"])
    return title if words and (words[-1] in nouns or words[0] in nouns) else None


def _sections(lines: list[str]) -> list[tuple[str, list[tuple[int, str, bool]]]]:
    """(kind, [(line number, text, is a bullet)]) in order; "preamble" before any heading."""
    out: list[tuple[str, list[tuple[int, str, bool]]]] = [("preamble", [])]
    for number, line in enumerate(lines, 1):
        kind = _heading(line)
        if kind is not None:
            out.append((kind, []))
            continue
        if line.strip():
            bullet = _BULLET.match(line)
            out[-1][1].append((number, bullet.group(1) if bullet else line.strip(), bool(bullet)))
    return out


def _items(rows: list[tuple[int, str, bool]]) -> list[tuple[int, str]]:
    """The bullets of a section, or its short lines when it has none (a list without marks)."""
    bullets = [(n, t) for n, t, b in rows if b]
    if bullets:
        return bullets
    return [(n, t) for n, t, _ in rows if len(t.split()) <= 25]


def _phrase(item: str) -> str | None:
    """The noun phrase after an experience lead-in, or None when the item has no lead-in."""
    content = _content()
    text = _YEARS.sub("", item.strip(), count=1)
    years = text != item.strip()
    lower = _plain(text)
    lead = next((li for li in sorted(content["lead_ins"], key=len, reverse=True)
                 if lower.startswith(_plain(li) + " ")), None)
    if lead is None and not years:
        return None
    rest = text[len(lead):] if lead else text
    rest = rest.strip()
    if lead is None:
        rest = re.sub(r"^(?:\w+\s+)?experience\b", "", rest, flags=re.IGNORECASE).strip()
    first = rest.split(" ", 1)[0].lower() if rest else ""
    if first == "as":
        return None  # "5+ years as a data engineer": the job itself, read from the title
    if first in content["joiners"]:
        rest = rest.split(" ", 1)[1] if " " in rest else ""
    rest = _CUT.split(rest, maxsplit=1)[0]
    words = [w for w in rest.strip(" .").split() if w]
    while words and words[0].lower() in _SMALL:
        words.pop(0)
    words = words[:MAX_PHRASE_WORDS]
    while words and (words[-1].lower() in _SMALL or words[-1].lower() == "experience"):
        words.pop()
    phrase = " ".join(words)
    return phrase if re.search(r"[A-Za-z]{3}", phrase) else None


def _requirements_of(line: int, item: str, required: bool) -> list[Requirement]:
    """The skills and credentials of an item, and its noun phrase when that names none of them
    ("Previous experience supervising a team in a warehouse or distribution environment")."""
    out = [Requirement(f.shown, f.skill.kind, required, line, f.skill.id)
           for f in _first_each(lexicon().find(item))]
    if _has_phrase(item, _content()["soft"]):
        return out
    phrase = _phrase(item)
    if phrase and not lexicon().find(phrase):
        out.append(Requirement(phrase, "phrase", required, line))
    return out


def _first_each(found: list[Found]) -> list[Found]:
    seen: set[str] = set()
    out = []
    for f in found:
        if f.skill.id not in seen:
            seen.add(f.skill.id)
            out.append(f)
    return out


def read_job(text: str) -> JobAd:
    """Everything closer reads from a job ad (pure)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sections = _sections(lines)
    has_requirements = any(kind in ("required", "nice") for kind, _ in sections)
    requirements: list[Requirement] = []
    mentioned: list[Requirement] = []
    process: list[str] = []
    for kind, rows in sections:
        if kind in ("required", "nice") or (not has_requirements and kind != "process"):
            rows_read = _items(rows) if kind in ("required", "nice") else \
                [(n, t) for n, t, b in rows if b]
            for number, item in rows_read:
                requirements.extend(_requirements_of(number, item, kind != "nice"))
        if kind == "process":
            process.extend(_steps(rows))
        if kind not in ("required", "nice"):
            for number, item, _ in (row for row in rows if row[2]):  # duties, not prose
                mentioned.extend(Requirement(f.shown, f.skill.kind, False, number, f.skill.id)
                                 for f in _first_each(lexicon().find(item)))
    return JobAd(role=_role(lines, text), company=_company(lines, text),
                 reports_to=_reports_to(text), requirements=_dedupe(requirements),
                 mentioned=tuple(mentioned), process=tuple(process))


def _steps(rows: list[tuple[int, str, bool]]) -> list[str]:
    """The hiring steps: the bullets, or the prose up to a "Label: value" line, as one step."""
    bullets = [t for _, t, b in rows if b]
    if bullets:
        return bullets
    prose: list[str] = []
    for _, t, _ in rows:
        if re.match(r"^[A-Z][\w ]{0,25}:\s", t):
            break
        prose.append(t)
    return [" ".join(prose)] if prose else []


def _dedupe(reqs: list[Requirement]) -> tuple[Requirement, ...]:
    """One requirement per skill or phrase; required wins over wanted."""
    out: dict[str, Requirement] = {}
    for r in reqs:
        k = r.skill_id or _plain(r.text)
        if k not in out or (r.required and not out[k].required):
            out[k] = r if k not in out else Requirement(out[k].text, out[k].kind, True,
                                                        out[k].line, out[k].skill_id)
    return tuple(out.values())


def _stems(text: str) -> set[str]:
    return {w[:_STEM] for w in re.findall(r"[a-z0-9+#]+", _plain(text)) if len(w) >= 3
            and w not in _SMALL}


def _covers(resume_ids: set[str], resume_stems: set[str], req: Requirement) -> bool:
    if req.skill_id:
        return req.skill_id in resume_ids
    stems = _stems(req.text)
    return not stems or 2 * len(stems & resume_stems) >= len(stems)


def _job_named(role: str, resume_stems: set[str]) -> bool:
    """The resume names the job: its last word and at least half the others, levels aside."""
    levels = set(_content()["levels"])
    words = [w for w in re.findall(r"[a-z0-9+#]+", _plain(role)) if w not in levels]
    if not words:
        return True
    stems = {w[:_STEM] for w in words}
    return words[-1][:_STEM] in resume_stems and 2 * len(stems & resume_stems) >= len(stems)


def _article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeio" else "a"


def weak_spots(ad: JobAd, resume: str) -> tuple[str, ...]:
    """Every weak spot the resume leaves, in the ad's order (the job itself first)."""
    ids = lexicon().ids_in(resume)
    stems = _stems(resume)
    out: list[str] = []
    if ad.role and not _job_named(ad.role, stems):
        levels = set(_content()["levels"])
        core = " ".join(w for w in ad.role.split() if _plain(w) not in levels) or ad.role
        core = " ".join(w if w.isupper() else w.lower() for w in core.split())
        out.append(f"never worked as {_article(core)} {core}")
    out.extend(r.weak_spot for r in ad.requirements if r.required and not _covers(ids, stems, r))
    return tuple(dict.fromkeys(out))


def scenario_from_job(job_text: str, resume_text: str | None = None,
                      name: str = "job") -> JobScenario:
    """The scenario a job ad (and a resume) give; `name` (the job file's stem) names it when the
    ad names no company or role."""
    ad = read_job(job_text)
    missing = weak_spots(ad, resume_text) if resume_text is not None else ()
    scenario = Scenario(
        name=scenario_name(ad.company, ad.role, name), company=ad.company, role=ad.role,
        interviewer=Interviewer(title=ad.reports_to), weak_spots=missing[:MAX_WEAK_SPOTS],
        skills=ad.skills())
    return JobScenario(scenario, ad, missing, resume_text is not None)
