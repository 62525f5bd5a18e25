"""Turn-taking: when has the candidate finished their answer?

`reading` says what the words so far do (via the rubric's own clause analysis), `prosody` says
how the last words were said (pitch and energy), `decide` turns both plus the silence so far into
one verdict: wait, or end the turn. All three are pure; `closer.turn.endpoint` and
`closer.turn.listen`
feed them from the live microphone.
"""
