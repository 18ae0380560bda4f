import csv
import io

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from apps.backlog import services
from apps.backlog.models import AcceptanceCriterion, BacklogItem, Blocker
from tests.factories import AcceptanceCriterionFactory, BacklogItemFactory, BlockerFactory, LabelFactory, ProductFactory
from tests.utils import queries_of

URL = "/p/recommender/backlog/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_backlog_lists_items_in_rank_order_with_labels_and_flags(browser_client, pm, product, make_item, label):
    second = make_item(title="Feature store", rank=200)
    first = make_item(title="Baseline model", rank=100, labels=[label])
    BlockerFactory(item=first)
    response = browser_client.as_user(pm).get(URL)
    html = response.content.decode()
    assert html.index("Baseline model") < html.index("Feature store")
    assertContains(response, 'class="flag blocked"')
    assertContains(response, f'data-number="{second.number}"')
    assertContains(response, f'href="{URL}"')  # the Backlog tab


@pytest.mark.parametrize("persona", ["stakeholder", "outsider"], indirect=True)
def test_stakeholders_get_403_and_outsiders_404_on_every_backlog_page(browser_client, persona, product, make_item):
    item = make_item()
    criterion = AcceptanceCriterionFactory(item=item)
    blocker = BlockerFactory(item=item)
    expected = 404 if persona.username == "outsider" else 403
    client = browser_client.as_user(persona)
    for url in [
        "",
        "export.csv",
        "grooming/",
        f"items/{item.number}/",
        f"items/{item.number}/edit/",
        f"epics/{item.number}/",
    ]:
        assert client.get(URL + url).status_code == expected, url
    for url in [
        "items/", "bulk/", "labels/", f"grooming/{item.number}/", f"items/{item.number}/work/",
        f"items/{item.number}/move/", f"items/{item.number}/criteria/", f"items/{item.number}/blockers/",
        f"criteria/{criterion.pk}/toggle/", f"blockers/{blocker.pk}/resolve/",
    ]:  # fmt: skip
        assert client.post(URL + url, {"title": "x", "to": "top"}).status_code == expected, url
    assert BacklogItem.objects.count() == 1 and not Blocker.objects.filter(resolved_at__isnull=False).exists()


def test_the_backlog_tab_is_hidden_from_stakeholders(browser_client, stakeholder, product):
    assertNotContains(browser_client.as_user(stakeholder).get(f"/p/{product.slug}/"), URL)


def test_quick_add_appends_a_row_with_htmx(browser_client, member, product):
    response = browser_client.as_user(member).post(URL + "items/", {"title": "Drift monitor", "kind": "task"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "beforeend"
    assertContains(response, "Drift monitor")
    assert BacklogItem.objects.get().kind == "task"


def test_quick_add_at_the_top_or_with_more_to_load(browser_client, member, product, make_item):
    client = browser_client.as_user(member)
    top = client.post(URL + "items/", {"title": "Urgent", "kind": "bug", "at_top": "on"}, **HTMX)
    assert top["HX-Reswap"] == "afterbegin"
    later = client.post(URL + "items/", {"title": "Later", "kind": "story", "has_more": "1"}, **HTMX)
    assert later["HX-Reswap"] == "none"
    assertContains(later, "at the bottom of the backlog")


def test_quick_add_refreshes_the_header_count_under_the_pages_filters(browser_client, member, product, make_item):
    make_item(status="done")
    client = browser_client.as_user(member)
    response = client.post(URL + "items/", {"title": "Drift monitor", "kind": "task"}, **HTMX)
    assertContains(response, '<small class="muted" id="backlog-count" hx-swap-oob="true">2 items</small>', html=True)
    filtered = client.post(URL + "items/", {"title": "Another", "kind": "task", "filter_query": "status=new"}, **HTMX)
    assertContains(filtered, '<small class="muted" id="backlog-count" hx-swap-oob="true">2 items</small>', html=True)
    later = client.post(URL + "items/", {"title": "Later", "kind": "story", "has_more": "1"}, **HTMX)
    assertContains(later, "4 items")


def test_quick_add_with_an_empty_title_says_so_and_saves_nothing(browser_client, pm, product):
    response = browser_client.as_user(pm).post(URL + "items/", {"title": " ", "kind": "story"}, **HTMX)
    assert response.status_code == 400
    assertContains(response, "required", status_code=400)
    assert not BacklogItem.objects.exists()


def test_inline_status_change_returns_the_updated_row(browser_client, member, product, make_item):
    item = make_item(status="in_progress")
    response = browser_client.as_user(member).post(
        URL + f"items/{item.number}/work/", {"status": "in_review", "version": 1}, **HTMX
    )
    assert response.status_code == 200
    assertContains(response, '<option value="in_review" selected>In review</option>', html=True)
    item.refresh_from_db()
    assert (item.status, item.version) == ("in_review", 2)


def test_inline_points_and_assignee_change_only_that_field(browser_client, member, product, make_item):
    item = make_item(story_points=3, assignee=member)
    client = browser_client.as_user(member)
    client.post(URL + f"items/{item.number}/work/", {"story_points": "8", "version": 1}, **HTMX)
    item.refresh_from_db()
    assert (item.story_points, item.assignee) == (8, member)
    client.post(URL + f"items/{item.number}/work/", {"assignee": "", "version": 2}, **HTMX)
    item.refresh_from_db()
    assert (item.story_points, item.assignee) == (8, None)


def test_a_stale_inline_edit_is_a_409_showing_the_current_row(browser_client, member, pm, product, make_item):
    item = make_item(story_points=3)
    services.item_update(actor=pm, item=item, expected_version=1, story_points=5)
    response = browser_client.as_user(member).post(
        URL + f"items/{item.number}/work/", {"story_points": "1", "version": 1}, **HTMX
    )
    assert response.status_code == 409
    assertContains(response, "changed by someone else", status_code=409)
    assertContains(response, 'value="5"', status_code=409)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"status": "done", "version": 1}, "cannot go from New to Done"),
        ({"status": "shipped", "version": 1}, "shipped"),
    ],
)
def test_bad_inline_edits_are_400_with_a_message(browser_client, member, product, make_item, data, message):
    item = make_item()
    response = browser_client.as_user(member).post(URL + f"items/{item.number}/work/", data, **HTMX)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    item.refresh_from_db()
    assert item.status == "new"


def test_members_move_nothing_but_leads_do(browser_client, member, scrum_master, product, make_item):
    a, b = make_item(), make_item()
    assert browser_client.as_user(member).post(URL + f"items/{b.number}/move/", {"before": a.number}).status_code == 403
    response = browser_client.as_user(scrum_master).post(
        URL + f"items/{b.number}/move/", {"before": a.number}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 204
    assert list(BacklogItem.objects.order_by("rank").values_list("number", flat=True)) == [b.number, a.number]


def test_moving_next_to_an_item_of_another_product_is_refused(browser_client, pm, product, make_item):
    item = make_item()
    foreign = BacklogItemFactory(product=ProductFactory(), number=777)
    response = browser_client.as_user(pm).post(URL + f"items/{item.number}/move/", {"after": foreign.number})
    assert response.status_code == 400
    assert b"no item #777 in this backlog" in response.content


def test_filters_are_read_from_the_url(browser_client, pm, product, make_item, label):
    make_item(title="Ranking model", labels=[label])
    make_item(title="Data contract")
    response = browser_client.as_user(pm).get(URL + "?q=&kind=&status=&label=ml&epic=&blocked=")
    assertContains(response, "Ranking model")
    assertNotContains(response, "Data contract")
    assertContains(response, "export.csv?label=ml")


def test_a_bad_filter_is_a_400_with_the_reason(browser_client, pm, product):
    response = browser_client.as_user(pm).get(URL + "?status=shipped")
    assert response.status_code == 400
    assertContains(response, "shipped", status_code=400)


def test_rows_load_after_the_last_rank_keeping_the_filters(browser_client, pm, product, make_item, label, monkeypatch):
    monkeypatch.setattr("apps.backlog.views.PAGE_SIZE", 2)
    items = [make_item(title=f"Labelled {i}", labels=[label]) for i in range(3)]
    first = browser_client.as_user(pm).get(URL + "?label=ml")
    more_url = first.context["more_url"]
    assert "label=ml" in more_url and f"after={items[1].rank}" in more_url
    more = browser_client.get(URL + more_url, **HTMX)
    assertContains(more, "Labelled 2")
    assertNotContains(more, "Labelled 0")
    assertNotContains(more, "Load more")


def test_bulk_change_from_the_page(browser_client, pm, member, product, make_item, label):
    items = [make_item() for _ in range(3)]
    client = browser_client.as_user(pm)
    numbers = [item.number for item in items[:2]]
    response = client.post(URL + "bulk/", {"items": numbers, "action": "add_label", "labels": label.pk})
    assert response.status_code == 302
    assert set(label.items.values_list("number", flat=True)) == set(numbers)
    client.post(URL + "bulk/", {"items": [items[2].number], "action": "move_to_top"})
    assert BacklogItem.objects.order_by("rank").first() == items[2]


def test_bulk_needs_the_right_for_the_change(browser_client, member, product, make_item):
    item, other = make_item(), make_item()
    client = browser_client.as_user(member)
    # Refused, and said on the backlog as it was filtered (issue 15: it used to be a bare 403 page).
    refused = client.post(
        URL + "bulk/", {"items": [other.number], "action": "move_to_top", "filter_query": "status=new"}, follow=True
    )
    assert refused.redirect_chain[-1][0] == URL + "?status=new"
    assertContains(refused, "may not do this")
    assert BacklogItem.objects.order_by("rank").first() == item
    client.post(URL + "bulk/", {"items": [item.number], "action": "assignee", "assignee": member.pk})
    item.refresh_from_db()
    assert item.assignee == member


def test_the_bulk_bar_offers_a_role_only_the_changes_it_may_make(browser_client, pm, member, product, make_item):
    make_item()
    member_page = browser_client.as_user(member).get(URL).content.decode()
    assert 'value="status"' in member_page and 'value="assignee"' in member_page
    for leads_only in ("move_to_top", "add_label", "remove_label"):
        assert f'value="{leads_only}"' not in member_page
    pm_page = browser_client.as_user(pm).get(URL).content.decode()
    assert all(f'value="{action}"' in pm_page for action in ("status", "assignee", "add_label", "move_to_top"))


def test_bulk_without_a_selection_explains(browser_client, pm, product):
    response = browser_client.as_user(pm).post(URL + "bulk/", {"action": "status", "status": "ready"}, follow=True)
    assertContains(response, "Select items first.")


def test_csv_export_streams_the_filtered_backlog(browser_client, member, product, make_item, label):
    make_item(title="Ranking, v2", labels=[label], estimate_optimistic=1, estimate_likely=2, estimate_pessimistic=9)
    make_item(title="Other")
    response = browser_client.as_user(member).get(URL + "export.csv?label=ml")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["title"], r["labels"], r["expected_points"], r["highly_uncertain"]) for r in rows] == [
        ("Ranking, v2", "ml", "3.00", "yes")
    ]


def test_csv_export_with_a_bad_filter_is_a_400(browser_client, member, product):
    assert browser_client.as_user(member).get(URL + "export.csv?kind=saga").status_code == 400


def test_item_page_shows_criteria_definition_of_done_links_blockers_and_history(browser_client, pm, product):
    product.definition_of_done = "Reviewed, **tested**, documented."
    product.save()
    item = services.item_create(actor=pm, product=product, title="Baseline", acceptance_criteria=["AUC ≥ 0.8"])
    services.item_update(actor=pm, item=item, expected_version=1, title="Baseline model")
    services.blocker_add(actor=pm, item=item, reason="Waiting for PII approval", kind="data_access")
    response = browser_client.as_user(pm).get(URL + f"items/{item.number}/")
    assertContains(response, "AUC ≥ 0.8")
    assertContains(response, "<strong>tested</strong>", html=True)
    assertContains(response, 'id="links"')
    assertContains(response, "Waiting for PII approval")
    assertContains(response, "<del>Baseline</del>", html=True)


def test_item_description_markdown_is_sanitised(browser_client, pm, product, make_item):
    item = make_item(description="Hi <script>alert(1)</script> [x](javascript:alert(2))")
    response = browser_client.as_user(pm).get(URL + f"items/{item.number}/")
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "javascript:alert")
    # The description is there, rendered, only without what is unsafe.
    assertContains(response, '<p>Hi <a rel="noopener noreferrer nofollow">x</a></p>', html=True)


def test_unknown_item_is_404(browser_client, pm, product):
    assert browser_client.as_user(pm).get(URL + "items/999/").status_code == 404


def test_members_tick_criteria_but_only_leads_add_them_or_edit_the_item(browser_client, member, pm, product, make_item):
    item = make_item()
    criterion = AcceptanceCriterionFactory(item=item)
    client = browser_client.as_user(member)
    assert client.post(URL + f"criteria/{criterion.pk}/toggle/", **HTMX).status_code == 200
    criterion.refresh_from_db()
    assert criterion.met
    assert client.post(URL + f"items/{item.number}/criteria/", {"text": "x"}).status_code == 403
    assert client.get(URL + f"items/{item.number}/edit/").status_code == 403
    assertNotContains(client.get(URL + f"items/{item.number}/"), f"items/{item.number}/edit/")
    browser_client.as_user(pm).post(URL + f"items/{item.number}/criteria/", {"text": "Shadow traffic for a week"})
    assert AcceptanceCriterion.objects.filter(item=item).count() == 2


def test_lead_edits_an_item_and_a_stale_form_is_refused(browser_client, pm, scrum_master, product, make_item, label):
    item = make_item(title="Old")
    data = {"version": 1, "title": "New", "kind": "story", "labels": [label.pk]}
    assert browser_client.as_user(pm).post(URL + f"items/{item.number}/edit/", data).status_code == 302
    response = browser_client.as_user(scrum_master).post(URL + f"items/{item.number}/edit/", {**data, "title": "Stale"})
    assert response.status_code == 409
    assertContains(response, "changed by someone else", status_code=409)
    item.refresh_from_db()
    assert (item.title, list(item.labels.all())) == ("New", [label])


def test_an_invalid_edit_shows_the_error_on_the_field(browser_client, pm, product, make_item):
    item = make_item()
    data = {"version": 1, "title": "x", "kind": "story", "estimate_likely": "3"}
    response = browser_client.as_user(pm).post(URL + f"items/{item.number}/edit/", data)
    assert response.status_code == 400
    assertContains(response, "all three", status_code=400)


def test_the_team_flags_and_resolves_a_blocker_on_the_item_page(browser_client, member, product, make_item):
    item = make_item()
    client = browser_client.as_user(member)
    client.post(URL + f"items/{item.number}/blockers/", {"kind": "data_access", "reason": "Approval from legal"})
    blocker = Blocker.objects.get()
    client.post(URL + f"blockers/{blocker.pk}/resolve/")
    blocker.refresh_from_db()
    assert blocker.resolved_by == member
    response = client.post(URL + f"items/{item.number}/blockers/", {"kind": "data_access", "reason": ""}, follow=True)
    assertContains(response, "Say what the item is waiting for.")


def test_grooming_lists_new_items_in_rank_order_with_what_they_miss(browser_client, pm, product, make_item):
    make_item(title="Second", rank=20)
    make_item(title="First", rank=10, story_points=3)
    make_item(title="Already ready", rank=5, status="ready")
    response = browser_client.as_user(pm).get(URL + "grooming/")
    html = response.content.decode()
    assert html.index("First") < html.index("Second")
    assertNotContains(response, "Already ready")
    assertContains(response, "Missing: acceptance criteria and an estimate")


def test_grooming_completes_an_item_and_marks_it_ready(browser_client, pm, product, make_item):
    item = make_item()
    data = {"version": 1, "criteria": "Lift ≥ 2%\nRuns nightly", "story_points": "5", "mark_ready": "on"}
    response = browser_client.as_user(pm).post(URL + f"grooming/{item.number}/", data, **HTMX)
    assert response.status_code == 200
    assertContains(response, "Ready ✓")
    item.refresh_from_db()
    assert (item.status, item.acceptance_criteria.count(), item.story_points) == ("ready", 2, 5)


def test_grooming_refuses_ready_without_criteria_and_saves_nothing(browser_client, pm, product, make_item):
    item = make_item()
    data = {"version": 1, "criteria": "", "story_points": "5", "mark_ready": "on"}
    response = browser_client.as_user(pm).post(URL + f"grooming/{item.number}/", data, **HTMX)
    assert response.status_code == 400
    assertContains(response, "no acceptance criteria", status_code=400)
    item.refresh_from_db()
    assert (item.status, item.story_points) == ("new", None)


def test_members_see_grooming_but_cannot_groom(browser_client, member, product, make_item):
    item = make_item()
    assertNotContains(browser_client.as_user(member).get(URL + "grooming/"), "Mark ready")
    assert browser_client.post(URL + f"grooming/{item.number}/", {"version": 1}).status_code == 403


def test_epic_view_shows_children_and_progress(browser_client, member, product, make_item):
    epic = make_item(kind="epic", title="Personalisation")
    make_item(parent=epic, status="done", story_points=3, title="Done child")
    make_item(parent=epic, story_points=5)
    make_item(parent=epic, status="dropped", story_points=8)
    make_item(parent=epic)
    response = browser_client.as_user(member).get(URL + f"epics/{epic.number}/")
    assertContains(response, "Done child")
    assertContains(response, "1 of 3 items done (33%)")
    assertContains(response, "3 of 8 points done (38%)")
    assertContains(response, "1 item not estimated")


def test_labels_are_added_by_leads(browser_client, pm, member, product):
    assert browser_client.as_user(member).post(URL + "labels/", {"name": "nlp", "color": "#123456"}).status_code == 403
    browser_client.as_user(pm).post(URL + "labels/", {"name": "nlp", "color": "#123456"})
    assert product.labels.get().name == "nlp"


def fill(product, count, epic, labels, people):
    start = BacklogItem.objects.filter(product=product).count()
    items = BacklogItem.objects.bulk_create(
        BacklogItem(
            product=product,
            number=start + i + 100,
            rank=(start + i + 100) * 1024,
            title=f"Item {start + i}",
            parent=epic,
            assignee=people[i % len(people)],
            story_points=3,
            estimate_optimistic=1,
            estimate_likely=2,
            estimate_pessimistic=9,
        )
        for i in range(count)
    )
    BacklogItem.labels.through.objects.bulk_create(
        BacklogItem.labels.through(backlogitem=item, label=label) for item in items for label in labels
    )
    for item in items[:2]:
        BlockerFactory(item=item)


@pytest.mark.parametrize("page", ["", "?label=l0&blocked=false&uncertain=true", "grooming/", "epics/{epic}/"])
def test_page_queries_do_not_grow_with_items(browser_client, pm, member, product, page, django_assert_num_queries):
    epic = BacklogItemFactory(product=product, kind="epic", number=1)
    labels = [LabelFactory(product=product, name="l0"), LabelFactory(product=product, name="l1")]
    client = browser_client.as_user(pm)
    url = URL + page.format(epic=epic.number)
    fill(product, 3, epic, labels, [pm, member])
    small = queries_of(lambda: client.get(url))
    fill(product, 120, epic, labels, [pm, member])
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def test_item_page_queries_do_not_grow_with_history(
    browser_client, pm, member, product, django_assert_num_queries, label
):
    item = services.item_create(
        actor=pm, product=product, title="x", acceptance_criteria=["a"], labels=[label], assignee=pm
    )
    client = browser_client.as_user(pm)
    small = queries_of(lambda: client.get(URL + f"items/{item.number}/"))
    for version in range(1, 30):
        services.item_update(actor=pm, item=item, expected_version=version, story_points=version, assignee=member)
    services.blocker_add(actor=pm, item=item, reason="r")
    services.criterion_add(actor=pm, item=item, text="b")
    with django_assert_num_queries(small):
        assert client.get(URL + f"items/{item.number}/").status_code == 200


def test_the_item_page_work_form_changes_status_and_range(browser_client, member, product, make_item):
    item = make_item(status="ready")
    data = {"version": 1, "status": "in_progress", "estimate_optimistic": "1", "estimate_likely": "2"}
    data |= {"estimate_pessimistic": "5", "story_points": "", "assignee": member.pk}
    response = browser_client.as_user(member).post(URL + f"items/{item.number}/work/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.estimate_pessimistic, item.assignee) == ("in_progress", 5, member)


def test_the_item_page_work_form_reports_a_refusal(browser_client, member, product, make_item):
    item = make_item()
    response = browser_client.as_user(member).post(
        URL + f"items/{item.number}/work/", {"version": 1, "status": "ready"}, follow=True
    )
    assertContains(response, "is not ready: it has no acceptance criteria")


def test_operators_see_items_in_the_admin(client, product, make_item, django_user_model):
    make_item(title="In the admin")
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    assertContains(client.get("/admin/backlog/backlogitem/"), "In the admin")


def test_the_epic_filter_keeps_the_choice_and_names_the_epic(browser_client, pm, product, make_item):
    epic = make_item(kind="epic", title="Personalisation")
    make_item(parent=epic, title="Child story")
    make_item(title="Loose story")
    response = browser_client.as_user(pm).get(URL + f"?epic={epic.number}")
    assertContains(response, f'name="epic" value="{epic.number}"')
    assertContains(response, '<small class="muted">Personalisation</small>', html=True)
    assertContains(response, "Child story")
    assertNotContains(response, "Loose story")


def test_the_page_lists_no_epics_and_the_picker_suggests_a_few_while_typing(
    browser_client, pm, stakeholder, product, make_item
):
    churn = make_item(kind="epic", title="Churn model")
    for n in range(25):
        make_item(kind="epic", title=f"Ranking epic {n}")
    client = browser_client.as_user(pm)
    assertContains(client.get(URL), '<datalist id="epic-choices"></datalist>')  # filled while typing
    suggestions = client.get(URL + "epics/?epic=chur")
    assertContains(suggestions, f'<option value="{churn.number}">#{churn.number} Churn model</option>', html=True)
    assertNotContains(suggestions, "Ranking")
    assert client.get(URL + "epics/?epic=ranking").content.count(b"<option") == 20
    assertContains(client.get(URL + f"epics/?epic=%23{churn.number}"), "Churn model")
    assert client.get(URL + "epics/?epic=99999999999999999999").content == b""
    assert browser_client.as_user(stakeholder).get(URL + "epics/?epic=chur").status_code == 403


def test_row_assignee_menus_hold_their_assignee_and_the_page_one_team_menu(
    browser_client, pm, member, product, make_item
):
    make_item(title="Mine", assignee=member)
    make_item(title="Nobody's")
    page = browser_client.as_user(pm).get(URL).content.decode()
    assert page.count(f'<option value="{member.pk}"') == 3  # bulk menu, the team menu, the assigned row
    assert page.count('<template id="assignee-menu">') == 1
    assert page.count('<option value="" selected>nobody</option>') == 1


def test_an_inline_edit_without_a_version_names_the_missing_field(browser_client, member, product, make_item):
    item = make_item()
    response = browser_client.as_user(member).post(URL + f"items/{item.number}/work/", {"story_points": "3"}, **HTMX)
    assert response.status_code == 400
    assertContains(response, "Version: This field is required.", status_code=400)


def test_a_stale_grooming_save_is_a_409_and_keeps_the_other_change(
    browser_client, pm, scrum_master, product, make_item
):
    item = make_item()
    services.item_update(actor=scrum_master, item=item, expected_version=1, story_points=8)
    data = {"version": 1, "criteria": "x", "story_points": "2", "mark_ready": "on"}
    response = browser_client.as_user(pm).post(URL + f"grooming/{item.number}/", data, **HTMX)
    assert response.status_code == 409
    assertContains(response, "changed by someone else", status_code=409)
    item.refresh_from_db()
    assert (item.story_points, item.status, item.acceptance_criteria.count()) == (8, "new", 0)


@pytest.mark.parametrize(
    "params", [{"after": "²"}, {"q": "²"}, {"q": "#³"}], ids=["after", "search", "search-by-number"]
)
def test_digits_that_are_not_decimal_in_backlog_parameters_are_no_crash(browser_client, pm, make_item, params):
    # "²".isdigit() is true, but int("²") fails.
    make_item(title="Baseline model")
    response = browser_client.as_user(pm).get(URL, params)
    assert response.status_code == 200


def test_moving_next_to_a_superscript_number_is_a_400(browser_client, pm, make_item):
    item = make_item()
    response = browser_client.as_user(pm).post(f"{URL}items/{item.number}/move/", {"before": "²"})
    assert response.status_code == 400


def test_two_people_ticking_the_same_criterion_at_once_leave_it_ticked(browser_client, member, pm, make_item):
    item = make_item()
    criterion = AcceptanceCriterionFactory(item=item)
    # Both pages show the box unticked; each click asks for it to be ticked.
    assertContains(browser_client.as_user(member).get(URL + f"items/{item.number}/"), 'name="met" value="1"')
    for person in (member, pm):
        browser_client.as_user(person).post(URL + f"criteria/{criterion.pk}/toggle/", {"met": "1"}, **HTMX)
    criterion.refresh_from_db()
    assert criterion.met
    browser_client.as_user(pm).post(URL + f"criteria/{criterion.pk}/toggle/", {"met": "0"}, **HTMX)
    criterion.refresh_from_db()
    assert not criterion.met


def test_bulk_item_numbers_too_large_for_the_database_are_a_message_not_a_500(browser_client, pm, make_item):
    make_item()
    response = browser_client.as_user(pm).post(
        URL + "bulk/", {"items": [str(10**25)], "action": "status", "status": "ready"}, follow=True
    )
    assertContains(response, "is not one of the available choices")


def test_a_stale_work_form_on_the_item_page_is_a_409_with_the_message_and_the_current_values(
    browser_client, member, pm, product, make_item
):
    item = make_item(story_points=3)
    services.item_update(actor=pm, item=item, expected_version=1, story_points=5)
    response = browser_client.as_user(member).post(
        URL + f"items/{item.number}/work/", {"version": 1, "story_points": "1"}
    )
    assert response.status_code == 409
    assertContains(response, f"#{item.number} was changed by someone else", status_code=409)
    assertContains(response, 'name="version" value="2"', status_code=409)  # the form now edits the current version
    item.refresh_from_db()
    assert (item.story_points, item.version) == (5, 2)


def test_a_stale_grooming_form_without_htmx_is_a_409_page_saying_so(
    browser_client, pm, scrum_master, product, make_item
):
    item = make_item(title="Churn model")
    services.item_update(actor=scrum_master, item=item, expected_version=1, story_points=8)
    data = {"version": 1, "criteria": "x", "story_points": "2", "mark_ready": "on"}
    response = browser_client.as_user(pm).post(URL + f"grooming/{item.number}/", data)
    assert response.status_code == 409
    assertContains(response, f"#{item.number} was changed by someone else", status_code=409)
    assertContains(response, "Churn model", status_code=409)
    item.refresh_from_db()
    assert (item.story_points, item.acceptance_criteria.count()) == (8, 0)


def test_a_refused_criterion_shows_in_the_criteria_fragment(browser_client, pm, product, make_item):
    item = make_item()
    response = browser_client.as_user(pm).post(URL + f"items/{item.number}/criteria/", {"text": " "}, **HTMX)
    assert response.status_code == 400
    assertContains(response, "An acceptance criterion needs some text.", status_code=400)
    assertContains(response, 'id="criteria-list"', status_code=400)
    assert not AcceptanceCriterion.objects.exists()


@pytest.mark.parametrize("path", ["criteria/{id}/toggle/", "blockers/{id}/resolve/"])
def test_criteria_and_blockers_of_another_product_or_with_impossible_ids_are_404(
    browser_client, pm, product, other_product, path
):
    foreign_item = BacklogItemFactory(product=other_product)
    foreign = {
        "criteria/{id}/toggle/": AcceptanceCriterionFactory(item=foreign_item),
        "blockers/{id}/resolve/": BlockerFactory(item=foreign_item),
    }[path]
    client = browser_client.as_user(pm)
    for id_ in (foreign.pk, 10**25):
        assert client.post(URL + path.format(id=id_), {"met": "1"}).status_code == 404, id_
    assert not AcceptanceCriterion.objects.filter(met=True).exists()
    assert not Blocker.objects.filter(resolved_at__isnull=False).exists()


def test_item_numbers_beyond_the_column_are_404_not_500(browser_client, pm, product):
    client = browser_client.as_user(pm)
    for number in (2**31, 10**25):
        assert client.get(URL + f"items/{number}/").status_code == 404
        assert client.post(URL + f"items/{number}/work/", {"version": 1, "status": "ready"}).status_code == 404


def test_leads_see_the_controls_members_only_those_for_working(browser_client, pm, member, product, make_item):
    make_item()
    lead_page = browser_client.as_user(pm).get(URL)
    assertContains(lead_page, "Drag to reorder")
    assertContains(lead_page, 'placeholder="New label"')
    member_page = browser_client.as_user(member).get(URL)
    assertContains(member_page, 'aria-label="New item title"')
    assertContains(member_page, 'id="bulk-form"')
    assertNotContains(member_page, "Drag to reorder")
    assertNotContains(member_page, 'placeholder="New label"')


def test_adding_a_criterion_refreshes_the_items_readiness_line(browser_client, pm, product, make_item):
    item = make_item(points=3)
    client = browser_client.as_user(pm)
    assertContains(client.get(URL + f"items/{item.number}/"), "Not ready yet: it has no acceptance criteria")
    response = client.post(URL + f"items/{item.number}/criteria/", {"text": "AUC of at least 0.8"}, **HTMX)
    assertContains(response, 'id="criteria-list"')
    assertContains(response, 'id="readiness" class="muted" role="status" hx-swap-oob="true"')
    assertContains(response, "it may be marked ready")


def test_the_item_opens_as_a_side_panel_fragment_for_htmx(browser_client, member, product, make_item):
    item = make_item(title="Churn model", description="Predict who leaves.", acceptance_criteria=["AUC ≥ 0.8"])
    client = browser_client.as_user(member)
    panel = client.get(URL + f"items/{item.number}/?panel=1", **HTMX)
    assertContains(panel, 'id="panel-title"')
    assertContains(panel, "Predict who leaves.")
    assertContains(panel, "AUC ≥ 0.8")
    assertContains(panel, f'href="/p/recommender/backlog/items/{item.number}/"')  # the full page
    assertNotContains(panel, "<html")
    # Without htmx the same address is the full page.
    assertContains(client.get(URL + f"items/{item.number}/?panel=1"), "<html")


@pytest.mark.parametrize("persona", ["stakeholder", "outsider"], indirect=True)
def test_the_side_panel_shows_nothing_to_those_who_may_not_see_the_backlog(browser_client, persona, product, make_item):
    item = make_item()
    response = browser_client.as_user(persona).get(URL + f"items/{item.number}/?panel=1", **HTMX)
    assert response.status_code in (403, 404)
    assertNotContains(response, item.title, status_code=response.status_code)


def test_csv_export_keeps_a_formula_as_text(browser_client, member, product, make_item):
    make_item(title='=HYPERLINK("http://evil.example","Click")')
    response = browser_client.as_user(member).get(URL + "export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","Click")'


def test_rows_rendered_for_one_role_are_never_served_to_another(client, pm, member, make_item):
    # Rows are kept rendered by everything they show (the "fragments" cache): the role is part of that.
    item = make_item(title="Churn baseline")
    client.force_login(pm)
    assertContains(client.get(URL), f'aria-label="Move #{item.number} to top"')
    client.force_login(member)
    response = client.get(URL)
    assertContains(response, "Churn baseline")
    assertNotContains(response, f'aria-label="Move #{item.number} to top"')


def test_a_row_shows_what_changed_since_it_was_last_rendered(browser_client, pm, make_item):
    item = make_item(title="Churn baseline")
    browser_client.as_user(pm).get(URL)
    BacklogItem.objects.filter(pk=item.pk).update(title="Churn baseline v2", version=item.version + 1)
    assertContains(browser_client.get(URL), "Churn baseline v2")
