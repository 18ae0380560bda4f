from django import template

register = template.Library()


@register.filter
def table_rows(chart: dict) -> list[tuple]:
    """A burndown's series as rows (day, remaining, ideal, added, removed, completed) for its table."""
    return list(
        zip(
            chart["days"],
            chart["remaining"],
            chart["ideal"],
            chart["added"],
            chart["removed"],
            chart["completed"],
            strict=True,
        )
    )


@register.filter
def met_count(criteria) -> int:
    return sum(1 for criterion in criteria if criterion.met)
