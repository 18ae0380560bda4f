"""My work (the home page, for every role, across all of a person's
products) and the global search. Both are made of what the other apps
register (apps.home.sections, apps.home.search), each reading through its
own app's list filters."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from apps.accounts.permissions import may_create_products
from apps.core.http import as_id
from apps.home import search as global_search
from apps.home import sections

PAGE_SIZE = 20
MAX_PAGES = 10


@login_required
def my_work(request):
    # "My products" lists the header menu's memberships (my_memberships): no query of its own.
    context = {"sections": sections.render(request), "may_create_products": may_create_products(request.user)}
    return TemplateResponse(request, "home/my_work.html", context)


@login_required
def search(request):
    """?q=words (ranked), or a reference: #123 (an item), R-4 (a request);
    ?kind= one of the providers; ?page= 2, 3..."""
    query = " ".join(request.GET.get("q", "").split())[: global_search.MAX_QUERY]
    kinds = {provider.name: provider.label for provider in global_search.providers()}
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else ""
    page = min(max(as_id(request.GET.get("page")) or 1, 1), MAX_PAGES)
    jumped = global_search.jump(request.user, query) if query else None
    if jumped is not None and len(jumped) == 1:
        return redirect(jumped[0].url)
    if jumped is not None:
        hits, more = jumped, False
    else:
        found = global_search.search(request.user, query, kinds=[kind] if kind else None, limit=page * PAGE_SIZE + 1)
        hits, more = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], len(found) > page * PAGE_SIZE
    context = {
        "query": query,
        "hits": hits,
        "kind_choices": list(kinds.items()),
        "kind": kind,
        "page": page,
        "more": more and page < MAX_PAGES,
        "is_reference": jumped is not None,
    }
    return TemplateResponse(request, "home/search.html", context)
