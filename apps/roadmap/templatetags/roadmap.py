from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def timeline_cells(bar, scale: str) -> SafeString:
    """A timeline row's cells. Written here rather than in a template loop: a
    300-item timeline has thousands of cells, and the template engine spends
    most of the page's time on them."""
    unit = "quarter" if scale == "quarters" else "month"
    return format_html_join(
        "",
        '<td class="cell {}">{}{}</td>',
        (
            (
                cell.shape,
                format_html('<span class="today-line" style="left: {}%" aria-hidden="true"></span>', cell.today)
                if cell.today is not None
                else "",
                format_html(
                    '<span class="bar" style="left: {}%; right: {}%" aria-hidden="true"></span>'
                    '<span class="sr-only">{} runs in this {}</span>',
                    cell.left,
                    cell.right,
                    bar.item.title,
                    unit,
                )
                if cell.shape
                else "",
            )
            for cell in bar.cells
        ),
    )
