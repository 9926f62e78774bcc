"""Domain errors raised by services and turned into clear, translated answers.

Views show them as form errors or messages; the API maps them to HTTP 400 / 409
(portal.api.exception_handler).
"""


class DomainError(Exception):
    """A rule of the domain refused the change. `message` is already translated."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(DomainError):
    """The change conflicts with the current state (e.g. a unit that still has members)."""

    status_code = 409


class TransitionNotAllowed(Conflict):
    """A state machine refused a transition."""
