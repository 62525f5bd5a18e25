"""The next-step check: does the candidate ASK what happens next in the hiring process?

Decided by composing concept classes (lists in `prompts/phrases.toml`):
    ask AND (forward-in-time [ns_forward] + hiring-process [ns_process] OR timeline [ns_timeline])
and vetoed by what the forward concept is about: a product, project or other non-hiring subject
[ns_veto] unless a hiring word [ns_hiring] is also there; onboarding, the first days or a career
step [ns_veto_strong] always. A yes/no ask to be moved forward ("can I count on moving to the next
step?") is a trial close, not a question about the process. A short follow-up ask ("when's
that?") counts when the clause before named a stage [ns_followup].
The ask's TARGET is read too (`about_something_else`): a decision, news or step explicitly
about a thing that is not the hiring [ns_other_topic], or one a party outside the hiring side
replies or rules on [ns_other_subject], is not about the hiring unless the hiring's object is
named [ns_hiring_object]; an ask that carries on from a clause about something else ("...a
listing, and what's the timeline for it?") is about that too (`refers_to_something_else`).
`vetoes`/`vetoed` expose the vetoes to callers (a layer adding positives must respect them).
Each check takes an optional `steps` list and records what it looked at
(`closer.rubric.explain`).
"""

from __future__ import annotations

from dataclasses import replace

from closer.rubric import explain, lexicon, text, trial_close
from closer.rubric.explain import CONTEXT, EVIDENCE, GATE, LIFT, NEED, RESULT, VETO, Step, Trace
from closer.rubric.text import Clause

# Vetoes that hold whatever else the clause says; ns_veto yields to a hiring word [ns_hiring].
STRONG_VETOES = ("ns_veto_strong", "ns_veto_step_for", "ns_veto_next_for", "ns_veto_decision_on")


def about_process(core: str, steps: list[Step] | None = None) -> bool:
    """Does the text name the hiring process going forward (regardless of asking)?"""
    if explain.has(steps, "ns_timeline", core, EVIDENCE):
        return True
    return (explain.has(steps, "ns_forward", core, EVIDENCE)
            and explain.has(steps, "ns_process", core, EVIDENCE))


def vetoes(clause: Clause | str, steps: list[Step] | None = None,
           previous: Clause | None = None) -> tuple[str, ...]:
    """Names of the veto concepts that fire on the clause (or its core text): the forward concept
    is about something other than the hiring. Empty when nothing vetoes it. With `previous` (the
    clause before), an ask referring back to it is read as about what it named."""
    # The whole clause, its lead-in frame too: "after the pilot with the grocery chain wraps up,
    # what's the next step with them?" is about the pilot.
    core = clause if isinstance(clause, str) else clause.text
    fired = [name for name in STRONG_VETOES if explain.has(steps, name, core, VETO)]
    if (explain.has(steps, "ns_veto", core, VETO)
            and not explain.has(steps, "ns_hiring", core, LIFT)):
        fired.append("ns_veto")
    if (previous is not None and not isinstance(clause, str)
            and text.frames(previous, clause)):
        # a frame put first holds the strong vetoes too ("In my first week, who would I meet?")
        fired += [name for name in STRONG_VETOES
                  if name not in fired and explain.has(steps, name, previous.core, VETO)]
    if about_something_else(core, steps):
        fired.append("ns_about_something_else")
    if (previous is not None and not isinstance(clause, str)
            and refers_to_something_else(clause, previous, steps)):
        fired.append("ns_refers_to_something_else")
    return tuple(fired)


def vetoed(clause: Clause | str, previous: Clause | None = None) -> bool:
    """Does any veto fire? A caller may add next-step positives only where this is False."""
    return bool(vetoes(clause, previous=previous))


def about_something_else(core: str, steps: list[Step] | None = None) -> bool:
    """The ask's target is not the hiring: its decision, news or step is about a thing other than
    the hiring ("...hear back from the council on the roofing tender"), or someone outside the
    hiring side replies or rules on it ("when does the insurer rule"), and nothing names the
    hiring's object
    (the candidate, candidates, the role, an interview, an offer)."""
    if not (explain.has(steps, "ns_other_topic", core, VETO)
            or explain.has(steps, "ns_other_subject", core, VETO)):
        return False
    return not explain.has(steps, "ns_hiring_object", core, LIFT)


def refers_to_something_else(clause: Clause, previous: Clause,
                             steps: list[Step] | None = None) -> bool:
    """The ask carries on from a clause about something else (one vetoed itself, or one
    naming a thing that is not the hiring, and neither the hiring nor the candidate): it refers
    back to it ("is the board planning a listing, and what's the timeline for it?") or, in the
    same sentence, names no hiring process of its own ("what's the phasing on the rebuild, and
    which block comes next?"), or is framed by a time clause about it ("once the survey of the
    wind farm is done, what's the following phase?"). A clause about the candidate's own showing
    ("I'm not sure I was any good today, but who decides?") is not something else."""
    if lexicon.has("ns_hiring_object", clause.core):
        return False
    same_sentence = previous.sentence == clause.sentence
    # (a bare "what comes after" is the timeline's, but after an ask about an app, the app's)
    same_subject = same_sentence and (not about_process(clause.core)
                                      or _carries_on_the_ask_before(clause, previous))
    # (not the candidate's own leaving: "before I head back to the sheds: does this go to...?")
    framed = (text.frames(previous, clause)
              and lexicon.pattern("ns_leaving_frame", anchored=True).match(previous.core) is None)
    if not (explain.has(steps, "ns_anaphor", clause.core, EVIDENCE)
            or explain.note(steps, "ns_same_sentence_no_process", same_subject, EVIDENCE)
            or explain.note(steps, "ns_framed_by_the_clause_before", framed, EVIDENCE)):
        return False
    before = previous.text
    if lexicon.has("ns_hiring_object", before) or lexicon.has("tc_own_work", before):
        return False
    strong = (any(lexicon.has(name, before) for name in STRONG_VETOES)
              or about_something_else(before))
    if names_stage(before) and not strong:
        return False  # "does the head of department still sign off, and when would that be?"
    elsewhere = strong or vetoed(before) or lexicon.has("ns_names_a_thing", before)
    return explain.note(steps, "ns_before_is_about_something_else", elsewhere, CONTEXT)


def _carries_on_the_ask_before(clause: Clause, previous: Clause) -> bool:
    """The clause goes on, in the same sentence, from an ask vetoed as about something else, and
    neither names a stage or hiring word: "when does the app go live for the clinics, and what
    comes after the beta?" (a bare "what comes after" is the timeline's, but of the app)."""
    return (previous.sentence == clause.sentence and previous.asks
            and not any(names_stage(c.core) or lexicon.has("ns_hiring", c.core)
                        for c in (clause, previous))
            and bool(vetoes(previous)))


def names_stage(core: str) -> bool:
    """Does the text name a stage of the hiring, even in a trial close ("...the final round")?"""
    return any(lexicon.has(name, core) for name in ("ns_process", "next_round_words"))


def is_next_step(clause: Clause, previous: Clause | None = None,
                 steps: list[Step] | None = None) -> bool:
    """An ask about the process; or a short follow-up ask ("when's that?") about a stage the
    previous clause named. The process is read before the vetoes, which say what it is about
    (with the previous clause, which an "it" may refer to)."""
    core = clause.core
    if not explain.note(steps, "asks", clause.asks, GATE):
        return False
    process = explain.note(steps, "ns_about_process", about_process(core, steps), NEED)
    if vetoes(clause, steps, previous):
        return False
    if not process:
        if previous is not None and explain.note(steps, "ns_process_frame",
                                                 _process_frame(previous), CONTEXT):
            return not _asks_to_advance(clause, steps)
        # the stage must be the hiring's: "what's the next round of funding expected to look
        # like, and when?" names a round of something else
        if previous is None or not explain.note(
                steps, "ns_names_stage",
                # an ask to be moved on names the stage it moves to ("would you move me on to
                # the director, and if so, when would that be?")
                (names_stage(previous.core) or trial_close.advancement(previous.core))
                and not any(lexicon.has(name, previous.core) for name in STRONG_VETOES), CONTEXT):
            return False
        followup = lexicon.pattern("ns_followup", anchored=True).match(core)
        return explain.note(steps, "ns_followup", followup is not None, GATE,
                            followup.group(0) if followup else None)
    return not _asks_to_advance(clause, steps)


def _asks_to_advance(clause: Clause, steps: list[Step] | None) -> bool:
    """A yes/no ask to be moved forward is a trial close, not a question about the process;
    unless the process is asked in a part of its own, joined to the close by "and" ("could you
    tell me how you'll decide between the final candidates, and whether you have any reservations
    about me?", "...whether I merit the second stage, and on the timetable for that stage")."""
    close = (trial_close.is_close(clause, None) and not _counts_the_stages(clause)
             and not _process_asked_beside_the_close(clause))
    return explain.note(steps, "ns_trial_close", close, VETO)


def _counts_the_stages(clause: Clause) -> bool:
    """A question counting the stages or the people left ("how many more conversations sit between
    me and a yes or no?", "who else will I meet before an offer is on the table?") asks about the
    process, whatever it says of the candidate: its answer is not a yes or no to moving on."""
    counting = lexicon.pattern("ns_counting_opener", anchored=True).match(clause.core) is not None
    return counting and about_process(clause.core)


def _process_asked_beside_the_close(clause: Clause) -> bool:
    """Split at each "and" that opens a second ask ("... and WHETHER", "... and ON the timetable";
    not "between me AND a second interview"): one side asks about the process and is no close,
    the other is one."""
    words = clause.core.split()
    second_ask = lexicon.pattern("ns_second_ask", anchored=True)
    for i, word in enumerate(words):
        if (word != "and" or i == 0 or i == len(words) - 1
                or not second_ask.match(" ".join(words[i + 1:]))
                or "between" in words[max(0, i - 4):i]):
            continue
        head, tail = (replace(clause, text=part, core=part)
                      for part in (" ".join(words[:i]), " ".join(words[i + 1:])))
        for process, close in ((head, tail), (tail, head)):
            if (about_process(process.core) and not vetoed(process.core)
                    and not trial_close.is_close(process, None)
                    and trial_close.is_close(close, None)):
                return True
    return False


def _process_frame(clause: Clause) -> bool:
    """A time clause about the process framing the ask after it ("when I hear back, will it be
    from you or the recruiter?"); the ask is about that process unless it is a trial close."""
    return (not clause.asks and not vetoed(clause.core) and about_process(clause.core)
            and lexicon.pattern("subordinate_frame", anchored=True).match(clause.core) is not None)


def mentions_next_step(clause: Clause) -> bool:
    """A statement naming the next steps without asking ("I look forward to the next steps.")."""
    return not clause.asks and about_process(clause.core) and not vetoed(clause.core)


def context(clauses: list[Clause], i: int) -> Clause | None:
    """The clause an ask at index i follows on from: of the last two substantial clauses ("if",
    "so", "ok" are skipped), one naming a stage wins over a tag between ("the next step is a
    test, is that right, and what does it involve")."""
    recent = [p for p in reversed(clauses[max(0, i - 4):i]) if len(p.core.split()) > 2][:2]
    return next((p for p in recent if names_stage(p.core)), recent[0] if recent else None)


def find(clauses: list[Clause], trace: Trace | None = None) -> int | None:
    """Index of the first next-step clause, or None. `trace` records each clause looked at."""
    for i, c in enumerate(clauses):
        steps = None if trace is None else trace.steps(i, "next_step")
        if explain.note(steps, "next_step", is_next_step(c, context(clauses, i), steps), RESULT):
            return i
    return None
