"""Apps above accounts react to a person's account changes by registering
here (in their AppConfig.ready), so accounts does not need to know them: the
roadmap revokes the person's calendar feed addresses when their password
changes, as accounts itself revokes their API tokens.

Listeners run right after the user row is saved (inside the caller's
transaction, if any); they must only write to the database.
"""

from collections.abc import Callable

PasswordListener = Callable[..., None]  # (*, user) -> None

_password_listeners: list[PasswordListener] = []


def on_password_change(listener: PasswordListener) -> PasswordListener:
    if listener not in _password_listeners:
        _password_listeners.append(listener)
    return listener


def password_changed(*, user) -> None:
    for listener in _password_listeners:
        listener(user=user)
