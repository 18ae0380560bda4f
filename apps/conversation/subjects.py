"""What may be discussed, registered by the app that owns it (conversation
sits below those apps in the layers and imports none of them). In the
owning app's AppConfig.ready:

    subjects.register(Subject(
        name="items",                   # in URLs: /p/<slug>/talk/items/<ref>/...
        model=BacklogItem,
        find=find_item,                 # (user, product, ref, action) -> the object; the app's access function
        read=Action.VIEW_BACKLOG,       # who reads the thread (and may watch)
        write=Action.WORK_BACKLOG_ITEM, # who comments
        audience=team_of_item,          # (obj, user_ids) -> who of them may see the object now
        label=lambda item: f"#{item.number} {item.title}",
        ref=lambda item: item.number,   # what `find` takes back
        url=lambda item, product: ...,  # the object's page
    ))

`find` is the owning app's door (its access.py): it raises 404 for what the
person may not see, 403 for a missing right, so a thread is never reachable
where its object is not. `audience` decides who may be mentioned and who is
told; the same rule is registered with apps.notifications.targets so a
notification is checked again when it is sent.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404

from apps.accounts.permissions import Action


@dataclass(frozen=True)
class Subject:
    name: str
    model: type[models.Model]
    find: Callable[..., Any]
    read: Action
    write: Action
    audience: Callable[[Any, set[int]], set[int]]
    label: Callable[[Any], str]
    ref: Callable[[Any], Any]
    url: Callable[[Any, Any], str]
    noun: str = "item"


_subjects: dict[str, Subject] = {}


def register(subject: Subject) -> None:
    _subjects[subject.name] = subject


def subject_named(name: str) -> Subject:
    subject = _subjects.get(str(name))
    if subject is None:
        raise Http404("Nothing of that kind is discussed here.")
    return subject


def subject_of(obj: models.Model) -> Subject:
    for subject in _subjects.values():
        if isinstance(obj, subject.model):
            return subject
    raise LookupError(f"{type(obj).__name__} is not registered for comments.")
