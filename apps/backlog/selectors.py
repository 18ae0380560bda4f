"""Reads of the backlog that the pages, the API and the export share, each
with the joins it needs so that the number of queries does not grow with rows."""

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.apps import apps
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject

from apps.accounts.models import User
from apps.accounts.permissions import TEAM
from apps.backlog.models import (
    HIGH_UNCERTAINTY_RATIO,
    MAX_NUMBER,
    AcceptanceCriterion,
    BacklogItem,
    Blocker,
    ItemAttachment,
    ItemRelation,
    Label,
)
from apps.core import history

EXPORT_CHUNK = 500

open_blockers = Blocker.objects.filter(item=OuterRef("pk"), resolved_at__isnull=True)

# The same rule as BacklogItem.is_highly_uncertain, in SQL, for filtering.
HIGHLY_UNCERTAIN = Q(estimate_optimistic__isnull=False) & Q(
    range_width__gt=ExpressionWrapper(
        Value(HIGH_UNCERTAINTY_RATIO)
        * (F("estimate_optimistic") + 4 * F("estimate_likely") + F("estimate_pessimistic"))
        / 6,
        output_field=DecimalField(),
    )
)


def with_uncertainty(items: QuerySet) -> QuerySet:
    return items.alias(
        range_width=ExpressionWrapper(F("estimate_pessimistic") - F("estimate_optimistic"), output_field=DecimalField())
    )


def backlog_items(product) -> QuerySet[BacklogItem]:
    """The product's items in backlog order, with what a list row shows."""
    return (
        BacklogItem.objects.filter(product=product)
        .select_related("assignee", "parent")
        .prefetch_related("labels")
        .annotate(is_blocked=Exists(open_blockers))
        .order_by("rank")
    )


def keyset_page(items: QuerySet, *, after: str, size: int) -> tuple[list, bool]:
    """`size` items ranked after the rank `after` (from the URL; anything else
    means from the top), and whether more follow: a page costs the same however
    deep it is. `items` may be models or `item_rows` dicts."""
    if after.lstrip("-").isdecimal():
        items = items.filter(rank__gt=int(after))
    rows = list(items[: size + 1])
    return rows[:size], len(rows) > size


class JSONList(Aggregate):
    """The group's values as one JSON array (JSONB_AGG / JSON_GROUP_ARRAY)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


def _labels_json():
    """A row's labels as a JSON list of {name, color}, in SQL (no prefetch query)."""
    return Subquery(
        BacklogItem.labels.through.objects.filter(backlogitem=OuterRef("pk"))
        .values("backlogitem")
        .annotate(labels=JSONList(JSONObject(name="label__name", color="label__color")))
        .values("labels")
    )


# What a list row shows (the backlog page, the API list), read as plain values.
ROW_FIELDS = [
    "id",
    "number",
    "kind",
    "title",
    "status",
    "rank",
    "version",
    "story_points",
    "estimate_optimistic",
    "estimate_likely",
    "estimate_pessimistic",
    "assignee_id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "parent__number",
    "parent__title",
    "is_blocked",
    "due_date",
    "label_list",
]
API_ROW_FIELDS = [*ROW_FIELDS, "description", "created_at", "updated_at", "done_at"]


def item_rows(items: QuerySet[BacklogItem], *, fields: list[str] = ROW_FIELDS) -> QuerySet:
    """The items (a `backlog_items` queryset, filtered and ordered as wanted)
    as dicts with what a list row shows, labels included, in one query and
    without model instances: a list of 50 or 1,000 rows spends its time in the
    database and the template or JSON, not in building objects."""
    return items.prefetch_related(None).select_related(None).annotate(label_list=_labels_json()).values(*fields)


def labels_of(row: dict) -> list[dict]:
    """A row's labels ({name, color}) by name, as the prefetch ordered them."""
    return sorted(row["label_list"] or (), key=lambda label: label["name"])


def person_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """What str(user) shows (full name, else username), from a row's values."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""


def epic_children(epic: BacklogItem) -> QuerySet[BacklogItem]:
    return backlog_items(epic.product_id).filter(parent=epic)


def grooming_queue(product) -> QuerySet[BacklogItem]:
    """New items from the top of the backlog, for the weekly grooming: what
    they lack to be ready is shown next to each."""
    return (
        backlog_items(product)
        .filter(status=BacklogItem.Status.NEW)
        .exclude(kind=BacklogItem.Kind.EPIC)
        .prefetch_related("acceptance_criteria")
    )


def item_detail(product, number: int) -> BacklogItem | None:
    """The item with what its page and the API detail show (None if there is no such number)."""
    return (
        BacklogItem.objects.select_related("product", "assignee", "parent", "created_by")
        .prefetch_related("labels", "acceptance_criteria")
        .annotate(is_blocked=Exists(open_blockers))
        .filter(product=product, number=number)
        .first()
    )


def item_relations(item) -> list[dict]:
    """The item's links, read from this item ("blocks #3", "is blocked by #5"), in one query."""
    relations = (
        ItemRelation.objects.filter(Q(source=item) | Q(target=item))
        .select_related("source", "target")
        .only("kind", "source_id", "target_id", *(f"{end}__{f}" for end in ("source", "target") for f in _LINKED))
        .order_by("kind", "id")
    )
    rows = []
    for relation in relations:
        outgoing = relation.source_id == item.pk
        rows.append(
            {
                "id": relation.pk,
                "kind": relation.kind,
                "label": ItemRelation.Kind(relation.kind).label
                if outgoing
                else ItemRelation.INVERSE[ItemRelation.Kind(relation.kind)],
                "other": relation.target if outgoing else relation.source,
            }
        )
    return rows


_LINKED = ("number", "title", "status", "product_id")


def item_attachments(item) -> QuerySet[ItemAttachment]:
    return (
        ItemAttachment.objects.filter(item=item)
        .select_related("uploaded_by", "item__product")
        .order_by("created_at", "id")
    )


def item_blockers(item) -> QuerySet[Blocker]:
    return item.blockers.select_related("created_by", "resolved_by").order_by("-since")


# Fields whose changes the item page lists, in this order.
HISTORY_FIELDS = [
    "title",
    "kind",
    "status",
    "parent_id",
    "assignee_id",
    "story_points",
    "estimate_optimistic",
    "estimate_likely",
    "estimate_pessimistic",
    "due_date",
    "description",
]


def item_history(item, limit: int = 50) -> list[dict]:
    """Who changed what and when, newest first: the item's field and label
    changes and changes to its acceptance criteria. Compared in Python over
    prefetched rows (not diff_against, which queries per pair)."""
    records = list(item.history.select_related("history_user").order_by("-history_id")[: limit + 1])
    labels_of = defaultdict(set)
    # Each recorded label with its name (none for a label deleted since: shown as "?"), in one query.
    label_rows = (
        apps.get_model("backlog", "HistoricalBacklogItem_labels")
        .objects.filter(history_id__in=[r.history_id for r in records])
        .annotate(name=Subquery(Label.objects.filter(pk=OuterRef("label_id")).values("name")[:1]))
        .values_list("history_id", "label_id", "name")
    )
    label_names = {}
    for history_id, label_id, name in label_rows:
        labels_of[history_id].add(label_id)
        if name is not None:
            label_names[label_id] = name
    people = {user.pk: str(user) for user in User.objects.filter(pk__in={r.assignee_id for r in records} - {None})}
    epic_titles = dict(
        BacklogItem.objects.filter(pk__in={r.parent_id for r in records} - {None}).values_list("pk", "title")
    )
    shown = {"assignee_id": people, "parent_id": epic_titles}

    def changes(older, newer) -> list[history.Change]:
        found = [
            _describe(field, getattr(older, field), getattr(newer, field), shown)
            for field in HISTORY_FIELDS
            if getattr(older, field) != getattr(newer, field)
        ]
        old_labels, new_labels = labels_of[older.history_id], labels_of[newer.history_id]
        if old_labels != new_labels:
            added = ", ".join(sorted(label_names.get(pk, "?") for pk in new_labels - old_labels))
            removed = ", ".join(sorted(label_names.get(pk, "?") for pk in old_labels - new_labels))
            found.append(("labels", f"removed {removed}" if removed else "", f"added {added}" if added else ""))
        return found

    entries = history.entries_of(records, limit=limit, created="created this item", changes=changes)
    criteria = AcceptanceCriterion.history.filter(item_id=item.pk).select_related("history_user")
    for record in criteria.order_by("-history_id")[:limit]:
        if record.history_type == "~":
            verb = "ticked criterion" if record.met else "changed criterion"
        else:
            verb = "added criterion" if record.history_type == "+" else "removed criterion"
        entries.append(history.entry(record, [("", verb, record.text)]))
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:limit]


def _describe(field: str, old, new, shown: dict) -> tuple[str, str, str]:
    if field in shown:
        names = shown[field]
        return (field.removesuffix("_id"), names.get(old, "–"), names.get(new, "–"))
    model_field = BacklogItem._meta.get_field(field)
    if not isinstance(model_field, Field):
        raise TypeError(f"{field} is not a column of backlog items")
    name = str(model_field.verbose_name)
    if model_field.choices:
        labels = dict(model_field.choices)
        return (name, labels.get(old, old), labels.get(new, new))
    if field == "description":
        return ("description", "", "edited")
    return (name, _show(old), _show(new))


def _show(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def epic_progress(epic) -> dict:
    """How far an epic is, by count and by points, leaving dropped children
    out. Points are story points, else the likely value of the range."""
    done = Q(status=BacklogItem.Status.DONE)
    points = Coalesce("story_points", "estimate_likely")
    totals = (
        BacklogItem.objects.filter(parent=epic)
        .exclude(status=BacklogItem.Status.DROPPED)
        .aggregate(
            count=Count("pk"),
            done=Count("pk", filter=done),
            points=Coalesce(Sum(points), Decimal(0)),
            done_points=Coalesce(Sum(points, filter=done), Decimal(0)),
            unestimated=Count("pk", filter=Q(story_points__isnull=True, estimate_likely__isnull=True)),
        )
    )
    return {
        **totals,
        "done_share": round(100 * totals["done"] / totals["count"]) if totals["count"] else 0,
        "points_share": round(100 * totals["done_points"] / totals["points"]) if totals["points"] else 0,
    }


def epics(product) -> QuerySet[BacklogItem]:
    return BacklogItem.objects.filter(product=product, kind=BacklogItem.Kind.EPIC).order_by("rank")


EPIC_CHOICES = 20


def epic_choices(product, text: str, limit: int = EPIC_CHOICES) -> list[tuple[int, str]]:
    """(number, title) of the first epics whose title contains `text` (or whose
    number it is), for the epic filter's search-as-you-type picker: a page
    never lists every epic of a product that may have thousands."""
    return _matching(epics(product), text, limit)


def item_choices(product, text: str, limit: int = EPIC_CHOICES) -> list[tuple[int, str]]:
    """(number, title) of the first items of any kind, in backlog order, whose
    title contains `text` or whose number it is: the search-as-you-type picker
    of a form that names one item (a request accepted onto an existing item)."""
    return _matching(BacklogItem.objects.filter(product=product).order_by("rank"), text, limit)


def _matching(found: QuerySet[BacklogItem], text: str, limit: int) -> list[tuple[int, str]]:
    text = text.strip().lstrip("#")
    if text.isdecimal() and int(text) > MAX_NUMBER:
        found = found.none()
    elif text.isdecimal():
        found = found.filter(Q(number=int(text)) | Q(title__icontains=text))
    elif text:
        found = found.filter(title__icontains=text)
    return list(found.values_list("number", "title")[:limit])


def epic_title(product, number) -> str:
    """The title of the epic the page is filtered by ("" if there is none)."""
    if not str(number).isdecimal() or int(number) > MAX_NUMBER:
        return ""
    return epics(product).filter(number=int(number)).values_list("title", flat=True).first() or ""


def product_labels(product) -> QuerySet[Label]:
    return Label.objects.filter(product=product).order_by("name")


def assignable_people(product) -> QuerySet[User]:
    """Team members of the product (stakeholders are never assigned work)."""
    return (
        User.objects.filter(memberships__product=product, memberships__role__in=[role.value for role in TEAM])
        .order_by("first_name", "username")
        .distinct()
    )


def team_menu(product) -> list[tuple[int, str, str]]:
    """(id, username, name shown) of the assignable people, for the page's
    menus: plain values, since a team of 200 would otherwise be 200 objects."""
    rows = assignable_people(product).values_list("pk", "username", "first_name", "last_name")
    return [(pk, username, person_name(first, last, username)) for pk, username, first, last in rows]


class LabelNames(Aggregate):
    """The names of a row group's labels joined by ";" (GROUP_CONCAT / STRING_AGG)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="GROUP_CONCAT(%(expressions)s, ';')", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="STRING_AGG(%(expressions)s, ';')", **extra)


# CSV column -> field of the export query.
EXPORT_COLUMNS = {
    "number": "number",
    "kind": "kind",
    "title": "title",
    "status": "status",
    "epic": "parent__number",
    "labels": "label_names",
    "assignee": "assignee__username",
    "story_points": "story_points",
    "optimistic": "estimate_optimistic",
    "likely": "estimate_likely",
    "pessimistic": "estimate_pessimistic",
    "blocked": "is_blocked",
    "created_at": "created_at",
    "done_at": "done_at",
}


def export_rows(items: QuerySet[BacklogItem]) -> Iterator[dict]:
    """The filtered items as plain rows for a CSV export: one query, labels
    joined in SQL, no model objects, read in chunks (a server-side cursor on
    PostgreSQL), so memory stays flat however many items there are."""
    names = (
        BacklogItem.labels.through.objects.filter(backlogitem=OuterRef("pk"))
        .values("backlogitem")
        .annotate(names=LabelNames("label__name"))
        .values("names")  # type: ignore[misc]  # django-stubs cannot see an annotation made after values()
    )
    return (
        items.prefetch_related(None)
        .annotate(label_names=Subquery(names))
        .values(*EXPORT_COLUMNS.values())
        .iterator(chunk_size=EXPORT_CHUNK)
    )
