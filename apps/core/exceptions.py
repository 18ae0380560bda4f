class Conflict(Exception):
    """An edit based on an out-of-date copy; nothing was changed."""


class RateLimited(Exception):
    """Too many of something in a window; nothing was done. `retry_after` is
    the number of seconds until the next one would be accepted."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
