"""The one exception a service raises when it will not do what was asked."""


class ActionRefused(Exception):
    """The action cannot be done; ``message`` says why, for the person who tried."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
