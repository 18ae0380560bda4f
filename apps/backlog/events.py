"""Other apps react to backlog changes by registering here (in their
AppConfig.ready), so the backlog does not need to know them: the sprints app
records when work finishes, the requests app delivers requests whose item is done,
and the hypotheses app refuses "done" while a model's release gates are open.

Listeners run inside the service's transaction; anything that leaves the
database (email, tasks) must be deferred with transaction.on_commit.
"""

from collections.abc import Callable

StatusListener = Callable[..., None]  # (*, item, old_status, new_status, actor) -> None

_status_listeners: list[StatusListener] = []


def on_status_change(listener: StatusListener) -> StatusListener:
    if listener not in _status_listeners:
        _status_listeners.append(listener)
    return listener


def status_changed(*, item, old_status: str, new_status: str, actor) -> None:
    for listener in _status_listeners:
        listener(item=item, old_status=old_status, new_status=new_status, actor=actor)


# (*, item, old_status, new_status, actor) -> None: may this status change
# happen? A veto refuses it by raising ValidationError({"status": reason});
# it runs after the workflow's own checks, on the locked item, before the save,
# so the page, the board, bulk edits and the API all refuse alike.
StatusVeto = Callable[..., None]

_status_vetoes: list[StatusVeto] = []


def veto_status_change(veto: StatusVeto) -> StatusVeto:
    if veto not in _status_vetoes:
        _status_vetoes.append(veto)
    return veto


def check_status_change(*, item, old_status: str, new_status: str, actor) -> None:
    for veto in _status_vetoes:
        veto(item=item, old_status=old_status, new_status=new_status, actor=actor)


# (*, item, fields, actor) -> None: an item was created, edited or deleted;
# `fields` names what changed ("created" and "deleted" for those two), so a
# listener can ignore edits that do not touch what it cares about (the
# roadmap recomputes forecasts when scope or estimates change).
ChangeListener = Callable[..., None]

_change_listeners: list[ChangeListener] = []


def on_item_change(listener: ChangeListener) -> ChangeListener:
    if listener not in _change_listeners:
        _change_listeners.append(listener)
    return listener


def item_changed(*, item, fields: frozenset[str], actor) -> None:
    for listener in _change_listeners:
        listener(item=item, fields=fields, actor=actor)
