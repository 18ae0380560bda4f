"""The HTML pages: who sees what, submitting, triaging, bad input and query counts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from apps.backlog import services as backlog
from apps.requests import conf, services
from apps.requests.models import Comment, NotificationPreference, StakeholderRequest
from tests.factories import BacklogItemFactory, MembershipFactory, StakeholderRequestFactory, UserFactory
from tests.utils import queries_of

Status = StakeholderRequest.Status
FORM = {
    "title": "Explain why the forecast was off",
    "problem": "Planners do not trust the forecast.",
    "affected": "Regional planners",
    "desired_outcome": "Planners see the main drivers of each error.",
    "urgency": "medium",
    "visibility": "public",
}


def url(product, suffix=""):
    return f"/p/{product.slug}/requests/{suffix}"


@pytest.fixture
def others_private(product):
    other = MembershipFactory(product=product, role="stakeholder").user
    return StakeholderRequestFactory(product=product, requester=other, visibility="private", title="Salary bands leak")


@pytest.fixture
def others_public(product):
    other = MembershipFactory(product=product, role="stakeholder").user
    return StakeholderRequestFactory(product=product, requester=other, title="Faster dashboard loads")


# --- Who sees what ---------------------------------------------------------------------


def test_a_stakeholder_lists_own_and_public_requests_but_never_others_private_ones(
    browser_client, stakeholder, product, new_request, others_private, others_public
):
    client = browser_client.as_user(stakeholder)
    response = client.get(url(product))
    assertContains(response, new_request.title)
    assertContains(response, others_public.title)
    assertNotContains(response, others_private.title)
    for query in ("?status=new", "?q=Salary", f"?requester={others_private.requester.username}", "?mine=false"):
        assertNotContains(client.get(url(product) + query), others_private.title)
    assert client.get(url(product, f"{others_private.number}/")).status_code == 404


@pytest.mark.parametrize("persona", ["pm", "scrum_master", "member"], indirect=True)
def test_the_team_sees_private_requests_and_internal_notes(browser_client, persona, product, others_private, pm):
    services.comment_add(actor=pm, stakeholder_request=others_private, body="Check with HR first.", internal=True)
    client = browser_client.as_user(persona)
    assertContains(client.get(url(product)), others_private.title)
    response = client.get(url(product, f"{others_private.number}/"))
    assertContains(response, "Check with HR first.")
    assertContains(response, "Internal notes")


def test_a_stakeholder_never_sees_internal_notes_on_their_own_request(browser_client, pm, stakeholder, new_request):
    services.comment_add(actor=pm, stakeholder_request=new_request, body="Secret plan.", internal=True)
    services.comment_add(actor=pm, stakeholder_request=new_request, body="We are on it.")
    response = browser_client.as_user(stakeholder).get(new_request.get_absolute_url())
    assertContains(response, "We are on it.")
    assertNotContains(response, "Secret plan.")
    assertNotContains(response, "Internal notes")


def test_an_outsider_gets_404_on_every_request_page(browser_client, outsider, product, new_request):
    client = browser_client.as_user(outsider)
    number = new_request.number
    for path in ("", "new/", f"{number}/", "similar/?title=forecast"):
        assert client.get(url(product, path)).status_code == 404, path
    for path in (f"{number}/vote/", f"{number}/comments/", f"{number}/triage/decline/", "settings/"):
        assert client.post(url(product, path), {"body": "x", "reason": "x"}).status_code == 404, path


def test_only_the_pm_may_triage(browser_client, scrum_master, stakeholder, pm, product, new_request):
    for person in (scrum_master, stakeholder):
        response = browser_client.as_user(person).post(
            url(product, f"{new_request.number}/triage/decline/"), {"reason": "No.", "version": 1}
        )
        assert response.status_code == 403
    assertNotContains(
        browser_client.as_user(scrum_master).get(new_request.get_absolute_url()), "Accept into the backlog"
    )
    assertContains(browser_client.as_user(pm).get(new_request.get_absolute_url()), "Accept into the backlog")
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW


def test_a_stakeholder_cannot_write_internal_notes(browser_client, stakeholder, product, new_request):
    response = browser_client.as_user(stakeholder).post(
        url(product, f"{new_request.number}/comments/"), {"body": "sneaky", "internal": "1"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_requests_tab_shows_for_every_member(browser_client, stakeholder, product):
    assertContains(browser_client.as_user(stakeholder).get(f"/p/{product.slug}/"), url(product))


# --- Submitting -----------------------------------------------------------------------


def test_a_stakeholder_submits_a_request_problem_first(browser_client, stakeholder, product):
    client = browser_client.as_user(stakeholder)
    form = client.get(url(product, "new/"))
    assert list(form.context["form"].fields) == [
        "title",
        "problem",
        "affected",
        "desired_outcome",
        "success_measure",
        "business_value",
        "urgency",
        "needed_by",
        "visibility",
        "attachments",
    ], "problem first, and no solution field"
    response = client.post(url(product, "new/"), FORM)
    stakeholder_request = StakeholderRequest.objects.get()
    assert response.status_code == 302 and response.url == stakeholder_request.get_absolute_url()
    assert (stakeholder_request.requester, stakeholder_request.affected) == (stakeholder, "Regional planners")


def test_a_request_without_a_problem_statement_is_refused_with_a_message(browser_client, stakeholder, product):
    response = browser_client.as_user(stakeholder).post(url(product, "new/"), {**FORM, "problem": "  "})
    assert response.status_code == 400
    assertContains(response, "This field is required", status_code=400)
    assert not StakeholderRequest.objects.exists()


def test_a_past_needed_by_date_is_refused(browser_client, stakeholder, product):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = browser_client.as_user(stakeholder).post(url(product, "new/"), {**FORM, "needed_by": yesterday})
    assertContains(response, "in the past", status_code=400)
    assert not StakeholderRequest.objects.exists()


def test_submitting_too_fast_is_refused_with_a_429_and_a_message(monkeypatch, browser_client, stakeholder, product):
    monkeypatch.setattr(conf, "SUBMISSIONS_PER_WINDOW", 2)
    client = browser_client.as_user(stakeholder)
    for _ in range(2):
        assert client.post(url(product, "new/"), FORM).status_code == 302
    response = client.post(url(product, "new/"), FORM)
    assertContains(response, "the most allowed", status_code=429)
    assert StakeholderRequest.objects.count() == 2


def test_markdown_in_a_request_is_sanitised(browser_client, stakeholder, product):
    StakeholderRequestFactory(
        product=product, requester=stakeholder, number=1, problem="<script>alert(1)</script> [x](javascript:alert(2))"
    )
    response = browser_client.as_user(stakeholder).get(url(product, "1/"))
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "javascript:alert")
    # The problem is there, rendered, only without what is unsafe.
    assertContains(response, '<p><a rel="noopener noreferrer nofollow">x</a></p>', html=True)
    assertContains(response, '<a rel="noopener noreferrer nofollow">x</a>', count=1)


def test_similar_requests_are_suggested_only_among_those_the_person_may_see(
    browser_client, stakeholder, product, others_public, others_private, other_product
):
    StakeholderRequestFactory(product=other_product, title="Faster dashboard loads elsewhere")
    StakeholderRequestFactory(
        product=product, requester=others_private.requester, visibility="private", title="Faster dashboard secrets"
    )
    response = browser_client.as_user(stakeholder).get(
        url(product, "similar/?title=faster+dashboard"), HTTP_HX_REQUEST="true"
    )
    assertContains(response, others_public.title)
    assertContains(response, "This is my problem too")
    assertNotContains(response, "secrets")
    assertNotContains(response, "elsewhere")
    assertNotContains(response, "<html")


def test_this_is_my_problem_too_adds_a_vote_through_htmx(browser_client, member, product, others_public):
    response = browser_client.as_user(member).post(
        url(product, f"{others_public.number}/vote/"), HTTP_HX_REQUEST="true"
    )
    assertContains(response, "this is my problem too (1)")
    assert others_public.votes.filter(user=member).exists()
    assert others_public.watchers.filter(user=member).exists()


# --- Triage from the request page --------------------------------------------------


def test_the_pm_accepts_from_the_request_page_and_the_requester_is_emailed(
    browser_client, pm, product, new_request, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_client.as_user(pm).post(
            url(product, f"{new_request.number}/triage/accept/"), {"note": "Good one.", "version": new_request.version}
        )
    assert response.status_code == 302
    new_request.refresh_from_db()
    assert new_request.status == Status.ACCEPTED and new_request.backlog_item is not None
    assert [email.to for email in mail.outbox] == [["stakeholder@example.com"]]


def test_the_pm_links_an_existing_item_through_a_search_picker_not_a_bare_number(
    browser_client, pm, product, new_request, django_capture_on_commit_callbacks
):
    churn = backlog.item_create(actor=pm, product=product, title="Churn model for holiday weeks")
    backlog.item_create(actor=pm, product=product, title="Feature store")
    client = browser_client.as_user(pm)
    page = client.get(url(product, f"{new_request.number}/"))
    choices_url = f"/p/{product.slug}/backlog/items/choices/"
    assertContains(page, '<label for="id_backlog_item">Link an existing backlog item</label>', html=True)
    assertContains(page, f'hx-get="{choices_url}?field=backlog_item"')
    assertContains(page, 'list="backlog-item-choices"')
    assertContains(page, '<datalist id="backlog-item-choices"></datalist>', html=True)
    assertNotContains(page, 'type="number" name="backlog_item"')
    # Search as you type: by words of the title or by number.
    found = client.get(choices_url, {"field": "backlog_item", "backlog_item": "holiday"})
    option = f'<option value="{churn.number}">#{churn.number} Churn model for holiday weeks</option>'
    assertContains(found, option, html=True)
    assertNotContains(found, "Feature store")
    assertContains(client.get(choices_url, {"q": f"#{churn.number}"}), "Churn model")
    # A picked suggestion, "#12 Its title" or a bare number all name the item.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(product, f"{new_request.number}/triage/accept/"),
            {"backlog_item": f"#{churn.number} Churn model for holiday weeks", "version": new_request.version},
        )
    assert response.status_code == 302
    new_request.refresh_from_db()
    assert new_request.backlog_item == churn


def test_an_item_picker_entry_that_names_no_item_is_refused_on_the_form(browser_client, pm, product, new_request):
    client = browser_client.as_user(pm)
    accept = url(product, f"{new_request.number}/triage/accept/")
    response = client.post(accept, {"backlog_item": "churn", "version": new_request.version})
    assertContains(response, "Pick an item from the suggestions", status_code=400)
    response = client.post(accept, {"backlog_item": "#4242", "version": new_request.version})
    assertContains(response, "There is no item #4242", status_code=400)
    new_request.refresh_from_db()
    assert new_request.backlog_item is None


def test_the_item_picker_answers_the_team_only(browser_client, member, stakeholder, outsider, product):
    backlog.item_create(actor=member, product=product, title="Churn model")
    choices_url = f"/p/{product.slug}/backlog/items/choices/?q=churn"
    assertContains(browser_client.as_user(member).get(choices_url), "Churn model")
    assert browser_client.as_user(stakeholder).get(choices_url).status_code == 403
    assert browser_client.as_user(outsider).get(choices_url).status_code == 404


def test_declining_without_a_reason_shows_the_form_again(browser_client, pm, product, new_request):
    response = browser_client.as_user(pm).post(
        url(product, f"{new_request.number}/triage/decline/"), {"reason": "", "version": new_request.version}
    )
    assertContains(response, "This field is required", status_code=400)
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW


def test_a_stale_decision_answers_409_and_changes_nothing(browser_client, pm, product, new_request):
    response = browser_client.as_user(pm).post(
        url(product, f"{new_request.number}/triage/decline/"), {"reason": "No.", "version": new_request.version + 5}
    )
    assertContains(response, "changed by someone else", status_code=409)


def test_merging_into_an_unknown_request_is_refused(browser_client, pm, product, new_request):
    response = browser_client.as_user(pm).post(
        url(product, f"{new_request.number}/triage/merge/"), {"into": "R-999", "version": new_request.version}
    )
    assertContains(response, "no request R-999", status_code=400)


def test_merging_into_a_superscript_number_is_refused_not_a_crash(browser_client, pm, product, new_request):
    response = browser_client.as_user(pm).post(
        url(product, f"{new_request.number}/triage/merge/"), {"into": "R-²", "version": new_request.version}
    )
    assertContains(response, "Give the number of the request to keep", status_code=400)


def test_an_unknown_decision_is_404(browser_client, pm, product, new_request):
    assert browser_client.as_user(pm).post(url(product, f"{new_request.number}/triage/approve/")).status_code == 404


def test_the_pm_sets_the_service_level_and_bad_values_are_refused(browser_client, pm, member, product):
    client = browser_client.as_user(pm)
    assert client.post(url(product, "settings/"), {"response_target_days": "3"}).status_code == 302
    assert product.triage_settings.response_target_days == 3
    client.post(url(product, "settings/"), {"response_target_days": "0"})
    product.triage_settings.refresh_from_db()
    assert product.triage_settings.response_target_days == 3
    assert (
        browser_client.as_user(member).post(url(product, "settings/"), {"response_target_days": "9"}).status_code == 403
    )


# --- Triage inbox and my requests ------------------------------------------------------


def _age(stakeholder_request, days):
    StakeholderRequest.objects.filter(pk=stakeholder_request.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_the_inbox_lists_new_requests_oldest_first_and_flags_overdue_ones(browser_client, pm, product):
    young = StakeholderRequestFactory(product=product, title="Young one")
    old = StakeholderRequestFactory(product=product, title="Old one")
    _age(old, 30)
    decided = StakeholderRequestFactory(product=product, title="Decided one", status=Status.DECLINED)
    response = browser_client.as_user(pm).get("/requests/inbox/")
    content = response.content.decode()
    assert content.index("Old one") < content.index("Young one")
    assert content.count("overdue</span>") == 1
    assertNotContains(response, decided.title)
    assert young.number != old.number


def test_the_inbox_filters_by_product_urgency_requester_and_overdue(browser_client, pm, product, other_product):
    MembershipFactory(user=pm, product=other_product, role="pm")
    # Titles no generated person name can contain ("There" matched a requester called Theresa).
    mine = StakeholderRequestFactory(product=product, title="Churn export for Lisbon", urgency="high")
    there = StakeholderRequestFactory(product=other_product, title="Pricing feed for Oslo", urgency="low")
    _age(there, 30)
    client = browser_client.as_user(pm)
    assertContains(client.get("/requests/inbox/"), there.title)
    response = client.get(f"/requests/inbox/?product={product.slug}")
    assertContains(response, mine.title)
    assertNotContains(response, there.title)
    assertNotContains(client.get("/requests/inbox/?urgency=low"), mine.title)
    assertNotContains(client.get(f"/requests/inbox/?requester={there.requester.username}"), mine.title)
    assertNotContains(client.get("/requests/inbox/?overdue=true"), mine.title)
    assertContains(client.get("/requests/inbox/?overdue=true"), there.title)


def test_a_snoozed_request_leaves_the_inbox_and_returns_on_its_day(browser_client, pm, product, new_request):
    services.request_snooze(actor=pm, stakeholder_request=new_request, until=timezone.localdate() + timedelta(days=2))
    client = browser_client.as_user(pm)
    assertNotContains(client.get("/requests/inbox/"), new_request.title)
    assertContains(client.get("/requests/inbox/?state=snoozed"), new_request.title)
    StakeholderRequest.objects.filter(pk=new_request.pk).update(snoozed_until=timezone.localdate())
    assertContains(client.get("/requests/inbox/"), new_request.title)


def test_requests_waiting_for_information_have_their_own_tab(browser_client, pm, product, new_request):
    services.request_ask_for_info(actor=pm, stakeholder_request=new_request, question="Which region?")
    client = browser_client.as_user(pm)
    assertNotContains(client.get("/requests/inbox/"), new_request.title)
    assertContains(client.get("/requests/inbox/?state=waiting"), new_request.title)


def test_the_scrum_master_may_view_the_inbox_but_stakeholders_and_members_may_not(
    browser_client, scrum_master, member, stakeholder, new_request
):
    assertContains(browser_client.as_user(scrum_master).get("/requests/inbox/"), new_request.title)
    for person in (member, stakeholder):
        assert browser_client.as_user(person).get("/requests/inbox/").status_code == 403


def test_the_inbox_never_shows_another_products_requests(browser_client, outsider, new_request):
    assertNotContains(browser_client.as_user(outsider).get("/requests/inbox/"), new_request.title)


def test_my_requests_shows_status_decision_and_expected_delivery(browser_client, pm, stakeholder, new_request):
    services.request_decline(actor=pm, stakeholder_request=new_request, reason="Budget is gone.")
    accepted = StakeholderRequestFactory(product=new_request.product, requester=stakeholder, title="Accepted one")
    services.request_accept(actor=pm, stakeholder_request=accepted)
    response = browser_client.as_user(stakeholder).get("/requests/mine/")
    assertContains(response, "Budget is gone.")
    assertContains(response, "Declined")
    assertContains(response, "not yet planned")


def test_my_requests_includes_watched_ones_but_not_after_they_became_hidden(
    browser_client, stakeholder, member, product, others_private, others_public
):
    services.watch_set(actor=stakeholder, stakeholder_request=others_public, watching=True)
    services.watch_set(actor=stakeholder, stakeholder_request=others_private, watching=True)  # e.g. from a past role
    response = browser_client.as_user(stakeholder).get("/requests/mine/")
    assertContains(response, others_public.title)
    assertNotContains(response, others_private.title)


def test_a_person_turns_request_emails_off(browser_client, stakeholder):
    client = browser_client.as_user(stakeholder)
    assert client.get("/requests/notifications/").status_code == 200
    assert client.post("/requests/notifications/", {}).status_code == 302
    assert NotificationPreference.objects.get(user=stakeholder).email_on_request_updates is False


# --- Query counts ------------------------------------------------------------------------


def test_a_list_row_shows_the_decision_the_duplicate_and_the_votes_and_follows_each_change(
    browser_client, pm, member, product, new_request, others_public
):
    client = browser_client.as_user(pm)
    assertContains(client.get(url(product)), f'href="{new_request.get_absolute_url()}"')
    services.vote_add(actor=member, stakeholder_request=new_request)
    services.request_merge(actor=pm, stakeholder_request=others_public, into=new_request, note="Same problem.")
    services.request_decline(actor=pm, stakeholder_request=new_request, reason="Out of **scope** this year.")
    html = client.get(url(product)).content.decode()
    row = html[html.index(new_request.title) : html.index("</tr>", html.index(new_request.title))]
    assert "Declined" in row and "<strong>scope</strong>" in row
    assert "<td>2</td>" in row  # the member's +1 and the requester of the merged duplicate
    duplicate = html[html.index(others_public.title) : html.index("</tr>", html.index(others_public.title))]
    assert f'of <a href="{new_request.get_absolute_url()}">{new_request.reference}</a>' in duplicate


def _fill(product, count, **fields):
    for _ in range(count):
        requester = UserFactory()
        MembershipFactory(product=product, user=requester, role="stakeholder")
        StakeholderRequestFactory(product=product, requester=requester, **fields)


@pytest.mark.parametrize(
    "path",
    [
        "/p/recommender/requests/",
        "/requests/inbox/",
        "/requests/mine/",
        "/p/recommender/requests/similar/?title=forecast",
    ],
)
def test_list_pages_run_the_same_number_of_queries_however_many_requests(
    browser_client, pm, product, path, django_assert_num_queries
):
    client = browser_client.as_user(pm)

    def fill_and_watch(count):
        _fill(product, count)
        for stakeholder_request in StakeholderRequest.objects.all():
            services.watch_set(actor=pm, stakeholder_request=stakeholder_request, watching=True)
        accepted = StakeholderRequest.objects.filter(status=Status.NEW).order_by("-pk")[:2]
        for stakeholder_request in accepted:
            services.request_accept(actor=pm, stakeholder_request=stakeholder_request)

    fill_and_watch(3)
    with_few = queries_of(lambda: client.get(path))
    fill_and_watch(12)
    with django_assert_num_queries(with_few):
        assert client.get(path).status_code == 200


def test_the_request_page_runs_a_fixed_number_of_queries(
    browser_client, pm, member, product, new_request, django_assert_num_queries
):
    client = browser_client.as_user(pm)
    services.comment_add(actor=member, stakeholder_request=new_request, body="one")
    with_one = queries_of(lambda: client.get(new_request.get_absolute_url()))
    for index in range(8):
        services.comment_add(
            actor=member, stakeholder_request=new_request, body=f"more {index}", internal=index % 2 == 0
        )
        services.vote_add(actor=UserFactory(), stakeholder_request=new_request)
    with django_assert_num_queries(with_one):
        client.get(new_request.get_absolute_url())


def test_the_backlog_item_page_links_the_requests_it_came_from(browser_client, pm, member, new_request):
    accepted = services.request_accept(actor=pm, stakeholder_request=new_request)
    item_url = accepted.backlog_item.get_absolute_url()
    response = browser_client.as_user(member).get(item_url)
    assertContains(response, f'From stakeholder request <a href="{accepted.get_absolute_url()}">')


def test_the_request_link_tag_shows_nothing_to_roles_outside_the_team(new_request, pm):
    from apps.accounts.models import Role
    from apps.requests.templatetags.request_links import linked_requests

    accepted = services.request_accept(actor=pm, stakeholder_request=new_request)
    assert list(linked_requests(accepted.backlog_item, Role.SCRUM_MASTER)["linked"]) == [accepted]
    assert linked_requests(accepted.backlog_item, Role.STAKEHOLDER)["linked"] == []
    assert linked_requests(accepted.backlog_item, None)["linked"] == []


def test_a_refused_vote_says_why_in_the_fragment_or_as_a_message(browser_client, stakeholder, product, new_request):
    client = browser_client.as_user(stakeholder)
    response = client.post(url(product, f"{new_request.number}/vote/"), HTTP_HX_REQUEST="true")
    assertContains(response, "already counts you", status_code=400)
    response = client.post(url(product, f"{new_request.number}/vote/"), follow=True)
    assertContains(response, "already counts you")
    assert not new_request.votes.exists()


def test_the_requester_sees_the_teams_question_and_answers_it_in_the_thread(
    browser_client, pm, stakeholder, product, new_request
):
    services.request_ask_for_info(actor=pm, stakeholder_request=new_request, question="Which **region**?")
    client = browser_client.as_user(stakeholder)
    assertContains(client.get("/requests/mine/"), "Which <strong>region</strong>?")
    assertContains(client.get(new_request.get_absolute_url()), "The team asks")
    client.post(url(product, f"{new_request.number}/comments/"), {"body": "Europe."})
    new_request.refresh_from_db()
    assert new_request.status == Status.NEW


def test_stakeholders_never_read_the_linked_backlog_item_in_delivery_notes(
    django_capture_on_commit_callbacks, browser_client, pm, product, stakeholder, new_request
):
    reader = MembershipFactory(product=product, role="stakeholder").user
    item = BacklogItemFactory(product=product, title="Patch the leaky churn feature", story_points=1)
    item.acceptance_criteria.create(text="works")
    services.request_accept(actor=pm, stakeholder_request=new_request, backlog_item=item)
    services.watch_set(actor=reader, stakeholder_request=new_request, watching=True)
    for status in ("ready", "in_progress"):
        item = backlog.item_set_status(actor=pm, item=item, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        item = backlog.item_set_status(actor=pm, item=item, status="done")
        backlog.item_set_status(actor=pm, item=item, status="in_progress")
    for person in (stakeholder, reader):
        assertNotContains(browser_client.as_user(person).get(new_request.get_absolute_url()), "leaky churn")
    assert mail.outbox and not any("leaky churn" in email.body for email in mail.outbox)


def test_a_decision_on_a_page_opened_before_another_change_answers_409_with_a_message(
    browser_client, pm, product, new_request, django_capture_on_commit_callbacks
):
    client = browser_client.as_user(pm)
    opened = client.get(new_request.get_absolute_url())
    version = opened.context["decision_panels"][0]["form"].initial["version"]
    services.request_snooze(  # someone else, meanwhile
        actor=pm, stakeholder_request=new_request, until=timezone.localdate() + timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(product, f"{new_request.number}/triage/decline/"), {"reason": "Not now.", "version": version}
        )
    assertContains(response, "was changed by someone else since you opened it", status_code=409)
    assertContains(response, "Reload to see the change", status_code=409)
    assertContains(response, "Not now.", status_code=409)  # the decision form is shown again, as typed
    new_request.refresh_from_db()
    assert (new_request.status, new_request.decision_note) == (Status.NEW, "")
    assert not new_request.events.exists() and not mail.outbox
