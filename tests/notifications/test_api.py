"""The notifications API: the caller's own rows and settings only."""

from apps.notifications.kinds import Kind
from apps.notifications.models import Notification
from tests.utils import queries_of

URL = "/api/v1/notifications/"


def test_list_filter_read_and_read_all(api, tell, member):
    tell(member, key="a", text="Alpha")
    tell(member, key="b", text="Beta", kind=Kind.ASSIGNED)
    client = api.as_user(member)
    body = client.get(URL).json()
    assert [row["text"] for row in body["results"]] == ["Beta", "Alpha"]
    assert body["results"][0]["product"] == "recommender"
    assert [r["text"] for r in client.get(URL + "?kind=assigned").json()["results"]] == ["Beta"]
    alpha = Notification.objects.get(key="a")
    assert client.post(f"{URL}{alpha.pk}/read/").json()["unread"] is False
    assert [r["text"] for r in client.get(URL + "?unread=true").json()["results"]] == ["Beta"]
    assert client.get(URL + "unread-count/").json() == {"unread": 1}
    assert client.post(f"{URL}{alpha.pk}/unread/").json()["unread"] is True
    assert client.post(URL + "read-all/").json() == {"unread": 0}


def test_another_persons_notification_is_a_404(api, tell, member, scrum_master):
    tell(member)
    notification = Notification.objects.get()
    client = api.as_user(scrum_master)
    assert client.get(f"{URL}{notification.pk}/").status_code == 404
    assert client.post(f"{URL}{notification.pk}/read/").status_code == 404
    assert client.get(URL).json()["count"] == 0


def test_preferences_read_and_change_one_kind(api, member):
    client = api.as_user(member)
    rows = client.get(URL + "preferences/").json()
    assert [row["kind"] for row in rows] == [kind.value for kind in Kind]
    assert rows[0] == {
        "kind": "mentioned",
        "name": "Mentions",
        "description": "Someone mentioned you in a comment.",
        "in_app": True,
        "email": "now",
    }
    assert client.patch(URL + "preferences/mentioned/", {"email": "daily"}, format="json").json()["email"] == "daily"
    assert client.get(URL + "preferences/mentioned/").json()["in_app"] is True
    assert client.patch(URL + "preferences/mentioned/", {"email": "hourly"}, format="json").status_code == 400
    assert client.patch(URL + "preferences/nonsense/", {"email": "now"}, format="json").status_code == 404


def test_the_list_runs_the_same_number_of_queries_however_many(api, tell, member, django_assert_num_queries):
    client = api.as_user(member)
    tell(member, key="first")
    few = queries_of(lambda: client.get(URL))
    for n in range(30):
        tell(member, key=f"n{n}")
    with django_assert_num_queries(few):
        assert client.get(URL).status_code == 200


def test_the_schema_documents_the_notification_endpoints(api, member):
    paths = api.as_user(member).get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/v1/notifications/", "/api/v1/notifications/{id}/read/", "/api/v1/notifications/preferences/"):
        assert path in paths, path
