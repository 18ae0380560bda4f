"""The bell, the notifications page and the settings page."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from apps.notifications import services
from apps.notifications.kinds import Email, Kind
from apps.notifications.models import Notification
from tests.utils import queries_of


def test_the_bell_counts_unread_notifications_in_the_header(browser_client, tell, member):
    client = browser_client.as_user(member)
    assertContains(client.get("/notifications/settings/"), 'aria-label="Notifications: 0 unread"')
    tell(member, key="a")
    tell(member, key="b")
    response = client.get("/notifications/settings/")
    assertContains(response, 'aria-label="Notifications: 2 unread"')
    assertContains(client.get("/notifications/bell/"), '<span class="bell-count" data-testid="bell-count">2</span>')


def test_opening_a_notification_marks_it_read_and_leads_to_its_link(browser_client, tell, member):
    tell(member)
    notification = Notification.objects.get()
    client = browser_client.as_user(member)
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/p/recommender/backlog/items/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_never_followed(browser_client, member, product):
    services.notify(
        kind=Kind.MENTIONED, recipients=[member], key="x", text="t", link="//evil.example.com/", product=product
    )
    notification = Notification.objects.get()
    response = browser_client.as_user(member).get(f"/notifications/{notification.pk}/")
    assert response["Location"] == "/notifications/"


def test_nobody_reaches_another_persons_notification(browser_client, tell, member, scrum_master):
    tell(member)
    notification = Notification.objects.get()
    client = browser_client.as_user(scrum_master)
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert client.get("/notifications/99999999999999999999999/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_read_unread_and_all_read(browser_client, tell, member):
    tell(member, key="a", text="Alpha")
    tell(member, key="b", text="Beta")
    client = browser_client.as_user(member)
    alpha = Notification.objects.get(key="a")
    response = client.post(f"/notifications/{alpha.pk}/read/", HTTP_HX_REQUEST="true")
    assertContains(response, "Mark unread")
    assert response["HX-Trigger"] == "notifications-changed"
    assertNotContains(client.get("/notifications/?show=unread"), "Alpha")
    client.post(f"/notifications/{alpha.pk}/read/", {"read": "0"})
    assertContains(client.get("/notifications/?show=unread"), "Alpha")
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assertContains(client.get("/notifications/?show=unread"), "Nothing unread.")


def test_notifications_about_a_product_one_left_are_not_shown(browser_client, tell, member, product):
    tell(member, text="Secret title")
    member.memberships.filter(product=product).delete()
    response = browser_client.as_user(member).get("/notifications/")
    assertNotContains(response, "Secret title")
    assertContains(response, 'aria-label="Notifications: 0 unread"')


def test_the_settings_page_saves_each_channel(browser_client, member):
    client = browser_client.as_user(member)
    assertContains(client.get("/notifications/settings/"), "Mentions")
    data = {f"{kind}-email": "now" for kind in Kind} | {f"{kind}-in_app": "on" for kind in Kind}
    data |= {"mentioned-email": "daily", "assigned-in_app": ""}
    del data["assigned-in_app"]
    assert client.post("/notifications/settings/", data).status_code == 302
    prefs = {p.kind: (p.in_app, p.email) for p in member.notification_preferences.all()}
    assert prefs[Kind.MENTIONED] == (True, Email.DAILY)
    assert prefs[Kind.ASSIGNED] == (False, Email.NOW)


def test_the_settings_page_refuses_an_unknown_email_choice(browser_client, member):
    response = browser_client.as_user(member).post("/notifications/settings/", {"mentioned-email": "hourly"})
    assert response.status_code == 400
    assert not member.notification_preferences.exists()


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/?show=unread", "/notifications/settings/"])
def test_pages_run_the_same_number_of_queries_however_many_notifications(
    browser_client, tell, member, path, django_assert_num_queries
):
    client = browser_client.as_user(member)
    for n in range(3):
        tell(member, key=f"few-{n}")
    few = queries_of(lambda: client.get(path))
    for n in range(40):
        tell(member, key=f"many-{n}")
    with django_assert_num_queries(few):
        assert client.get(path).status_code == 200


def test_signed_out_people_are_sent_to_sign_in_but_the_bell_just_stays_quiet(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/bell/", HTTP_HX_REQUEST="true").status_code == 204
