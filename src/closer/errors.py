"""Errors a user can cause. The CLI prints their message as one sentence and exits with `code`."""


class UserError(Exception):
    """A problem the user can fix (bad file, missing model, no microphone)."""

    code = 2

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class AudioDecodeError(UserError):
    """An input file is missing, empty, truncated, a directory or not audio."""


class ModelError(UserError):
    """The speech model is missing or broken."""


class DeviceError(UserError):
    """An audio device is absent or failed."""
