"""Comments on backlog items: markdown, mentions (only of people who may see
the item), edit and delete one's own, who is told, and bad input."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains, assertNotContains

from apps.conversation import selectors, services
from apps.conversation.models import Comment
from apps.notifications.kinds import Kind
from apps.notifications.models import Notification
from tests.factories import MembershipFactory
from tests.utils import queries_of

URL = "/p/recommender/threads/items/{number}/"


def test_a_mention_tells_the_colleague_and_makes_both_watch(say, pm, member, item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comment = say(pm, "Can you look at the **holdout**, @member?")
    assert list(comment.mentioned.all()) == [member]
    told = Notification.objects.get(recipient=member)
    assert (told.kind, told.text) == (Kind.MENTIONED, f"{pm} mentioned you on #{item.number} Churn model")
    assert told.link == f"/p/recommender/backlog/items/{item.number}/#comment-{comment.pk}"
    assert [email.to for email in mail.outbox] == [["member@example.com"]]
    assert selectors.watcher_ids(item) == {pm.pk, member.pk}


def test_watchers_hear_of_a_comment_once_and_the_mentioned_only_as_a_mention(
    say, pm, member, scrum_master, item, django_capture_on_commit_callbacks
):
    services.watch_set(actor=scrum_master, target=item, watching=True)
    services.watch_set(actor=member, target=item, watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        say(pm, "Ping @member")
    assert sorted(Notification.objects.values_list("recipient__username", "kind")) == [
        ("member", "mentioned"),
        ("scrum", "item_comment"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hey @stakeholder, thoughts?", "@stakeholder cannot see this item"),
        ("Hey @outsider", "@outsider is not in Recommender"),
        ("Hey @nobody-at-all", "@nobody-at-all is not in Recommender"),
    ],
)
def test_mentioning_someone_who_may_not_see_the_item_is_refused(say, pm, stakeholder, outsider, item, body, message):
    with pytest.raises(ValidationError) as refused:
        say(pm, body)
    assert message in str(refused.value)
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()


def test_code_and_email_addresses_are_not_mentions(say, pm, stakeholder):
    comment = say(pm, "Mail stakeholder@example.com or run `@decorator`\n\n```\n@stakeholder\n```")
    assert list(comment.mentioned.all()) == []


@pytest.mark.parametrize(("body", "message"), [("   ", "Write something first."), ("x" * 10_001, "at most 10,000")])
def test_empty_or_oversized_comments_are_refused(say, pm, body, message):
    with pytest.raises(ValidationError, match=message):
        say(pm, body)
    assert not Comment.objects.exists()


def test_an_edit_tells_only_the_newly_mentioned(say, pm, member, scrum_master, items, item):
    comment = say(pm, "Ping @member")
    services.comment_edit(
        actor=pm, comment=comment, subject=items, target=item, body="Ping @member and @scrum", expected_version=1
    )
    assert sorted(Notification.objects.filter(kind="mentioned").values_list("recipient__username", flat=True)) == [
        "member",
        "scrum",
    ]
    comment.refresh_from_db()
    assert (comment.version, comment.edited_at is not None) == (2, True)


def test_deleting_a_comment_takes_back_its_unread_notifications(say, pm, member):
    comment = say(pm, "Ping @member")
    services.comment_delete(actor=pm, comment=comment)
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()


def test_creating_watching_assigning_and_status_changes(pm, member, product, django_capture_on_commit_callbacks):
    from apps.backlog import services as backlog

    item = backlog.item_create(actor=pm, product=product, title="Feature store", acceptance_criteria=["x"])
    assert selectors.watcher_ids(item) == {pm.pk}
    with django_capture_on_commit_callbacks(execute=True):
        item = backlog.item_update(actor=pm, item=item, expected_version=1, assignee=member, story_points=2)
    assert selectors.watcher_ids(item) == {pm.pk, member.pk}
    assigned = Notification.objects.get(kind=Kind.ASSIGNED)
    assert (assigned.recipient, assigned.text) == (member, f"{pm} assigned you #{item.number} Feature store")
    backlog.item_set_status(actor=member, item=item, status="ready")
    moved = Notification.objects.get(kind=Kind.ITEM_STATUS)
    assert moved.recipient == pm, "the watcher is told, not the one who moved it"
    assert moved.text == f"#{item.number} Feature store moved from New to Ready"


# --- pages -------------------------------------------------------------------------


def test_the_item_page_shows_the_thread_sanitised_with_a_form_carrying_a_key(browser_client, say, pm, item):
    say(pm, "Looks **good** <script>alert(1)</script> [x](javascript:alert(2))")
    response = browser_client.as_user(pm).get(f"/p/recommender/backlog/items/{item.number}/")
    assertContains(response, 'id="activity"')
    assertContains(response, "<strong>good</strong>", html=True)
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "javascript:alert")
    assertContains(response, 'name="idempotency_key"')
    assertContains(response, f'data-mentions="{URL.format(number=item.number)}people/"')


def test_a_team_member_comments_from_the_page(browser_client, member, pm, item):
    client = browser_client.as_user(member)
    response = client.post(URL.format(number=item.number) + "comments/", {"body": "Done by Friday, @pm"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/p/recommender/backlog/items/{item.number}/#comment-{comment.pk}"
    response = client.post(URL.format(number=item.number) + "comments/", {"body": "more"}, HTTP_HX_REQUEST="true")
    assertContains(response, "Done by Friday")
    assertContains(response, "<p>more</p>", html=True)


def test_a_refused_comment_shows_why_and_keeps_the_text(browser_client, member, stakeholder, item):
    client = browser_client.as_user(member)
    url = URL.format(number=item.number) + "comments/"
    response = client.post(url, {"body": "Hi @stakeholder"}, HTTP_HX_REQUEST="true")
    assertContains(response, "@stakeholder cannot see this item", status_code=400)
    assertContains(response, "Hi @stakeholder</textarea>", status_code=400)
    response = client.post(url, {"body": "x" * 10_001})
    assertContains(response, "at most 10,000 characters", status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("stakeholder", 403), ("outsider", 404)], indirect=["persona"])
def test_people_who_may_not_see_the_item_reach_no_thread(browser_client, persona, status, say, pm, item):
    comment = say(pm, "internal")
    client = browser_client.as_user(persona)
    base = URL.format(number=item.number)
    assert client.get(base + "comments/").status_code == status
    assert client.post(base + "comments/", {"body": "hello"}).status_code == status
    assert client.get(base + "people/?q=m").status_code == status
    assert client.post(base + "watch/", {"watching": "1"}).status_code == status
    assert client.post(base + f"comments/{comment.pk}/delete/").status_code == status
    assert Comment.objects.count() == 1


def test_only_the_author_edits_or_deletes_a_comment(browser_client, say, pm, member, item):
    comment = say(pm, "mine")
    base = URL.format(number=item.number) + f"comments/{comment.pk}/"
    client = browser_client.as_user(member)
    assert client.post(base + "edit/", {"body": "hijacked", "version": 1}).status_code == 403
    assert client.post(base + "delete/").status_code == 403
    client = browser_client.as_user(pm)
    assertContains(client.get(base + "edit/", HTTP_HX_REQUEST="true"), "Edit your comment")
    assert client.post(base + "edit/", {"body": "mine, edited", "version": 1}).status_code == 302
    response = client.post(base + "edit/", {"body": "stale", "version": 1})
    assertContains(response, "changed by someone else", status_code=409)
    assert client.post(base + "delete/").status_code == 302
    assert not Comment.objects.exists()


def test_unknown_kinds_references_and_comments_are_404(browser_client, say, pm, item):
    client = browser_client.as_user(pm)
    assert client.get("/p/recommender/threads/nonsense/1/comments/").status_code == 404
    assert client.get("/p/recommender/threads/items/999/comments/").status_code == 404
    assert client.get("/p/recommender/threads/items/abc/comments/").status_code == 404
    assert client.get(URL.format(number=item.number) + "comments/999999/edit/").status_code == 404


def test_watch_and_stop_watching(browser_client, member, item):
    client = browser_client.as_user(member)
    response = client.post(URL.format(number=item.number) + "watch/", {"watching": "1"}, HTTP_HX_REQUEST="true")
    assertContains(response, "Watching")
    assert selectors.watcher_ids(item) == {member.pk}
    client.post(URL.format(number=item.number) + "watch/", {"watching": "0"})
    assert selectors.watcher_ids(item) == set()


def test_the_autocomplete_offers_only_people_who_may_see_the_item(
    browser_client, pm, member, stakeholder, outsider, item
):
    people = browser_client.as_user(pm).get(URL.format(number=item.number) + "people/?q=").json()["people"]
    assert [person["username"] for person in people] == ["member", "pm"]
    people = browser_client.as_user(pm).get(URL.format(number=item.number) + "people/?q=mem").json()["people"]
    assert [person["username"] for person in people] == ["member"]


def test_a_long_thread_shows_the_newest_fifty_and_earlier_ones_on_demand(browser_client, say, pm, item):
    for n in range(55):
        say(pm, f"comment number {n:02d}")
    client = browser_client.as_user(pm)
    page = client.get(f"/p/recommender/backlog/items/{item.number}/")
    assertContains(page, "comment number 54")
    assertNotContains(page, "comment number 04")
    assertContains(page, "Show earlier comments")
    earliest_shown = Comment.objects.get(body="comment number 05")
    earlier = client.get(
        URL.format(number=item.number) + f"comments/?before={earliest_shown.pk}", HTTP_HX_REQUEST="true"
    )
    assertContains(earlier, "comment number 04")
    assertContains(earlier, "comment number 00")
    assertNotContains(earlier, "comment number 05")


def test_the_item_page_runs_the_same_number_of_queries_however_many_comments(
    browser_client, say, pm, member, item, django_assert_num_queries
):
    say(pm, "first @member")
    client = browser_client.as_user(pm)
    url = f"/p/recommender/backlog/items/{item.number}/"
    few = queries_of(lambda: client.get(url))
    for n in range(60):
        author = MembershipFactory(product=item.product, role="member").user
        say(author, f"comment {n} @member")
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200
