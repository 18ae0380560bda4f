"""Other apps react to sprint changes by registering here (in their
AppConfig.ready), so the sprints app does not need to know them: the roadmap
recomputes its forecasts when a sprint closes, since a closed sprint's frozen
figures are the throughput history the forecasts sample.

Listeners run inside the service's transaction; anything that leaves the
database (email, tasks) must be deferred with transaction.on_commit.
"""

from collections.abc import Callable

CloseListener = Callable[..., None]  # (*, sprint, actor) -> None

_close_listeners: list[CloseListener] = []


def on_sprint_close(listener: CloseListener) -> CloseListener:
    if listener not in _close_listeners:
        _close_listeners.append(listener)
    return listener


def sprint_closed(*, sprint, actor) -> None:
    for listener in _close_listeners:
        listener(sprint=sprint, actor=actor)
