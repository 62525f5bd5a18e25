"""The live drill: interviewer lines (script), the conversation (flow), hands-free sessions
(session, commands), feedback, the rehearsal summary and the event output (events)."""
