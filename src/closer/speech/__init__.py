"""Speech models: the transcriber (faster-whisper), text to speech, long recordings.

Nothing heavy is imported here: `closer --help` stays light."""
