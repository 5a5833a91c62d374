"""Domain errors: what a use case refuses, in words a user understands."""


class DomainError(Exception):
    """A use case refused; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class MeetingClosed(DomainError):
    """The meeting is over (or cancelled), so this change is no longer possible; only the
    chair's text corrections still are. Answered with 409, the message above the form."""


class TextTooLong(DomainError):
    """A typed text longer than its column holds; refused whole, never cut off."""


class NotFound(Exception):
    """The object does not exist, or the user may not know that it does (shown as 404)."""


class Forbidden(Exception):
    """The user is known to the object but may not do this (shown as 403)."""


class LoginRequired(Exception):
    """The request needs a logged-in user."""


class ConfirmationRequired(Exception):
    """The action needs a recent proof of who the user is (step-up): a page asks for it first,
    a form sent without it is refused."""
