"""Files on items (the same type, content and size checks as request files,
downloads only through a permission check) and due dates (overdue items
marked in lists, on the item and on the board)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from apps.backlog import conf, services
from apps.backlog.models import ItemAttachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name="plot.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def page_url(item, rest=""):
    return f"/p/recommender/backlog/items/{item.number}/{rest}"


def test_a_team_member_attaches_a_file_and_the_team_downloads_it(browser_client, member, pm, make_item, media_root):
    item = make_item()
    response = browser_client.as_user(member).post(page_url(item, "attachments/"), {"attachments": [upload()]})
    assert response.status_code == 302
    attachment = ItemAttachment.objects.get()
    assert "plot.png" not in attachment.file.name, "stored under a random name"
    download = browser_client.as_user(pm).get(page_url(item, f"attachments/{attachment.pk}/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith('attachment; filename="plot.png"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assertContains(browser_client.get(page_url(item)), "plot.png")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ\x90\x00", "is not an accepted type"),
        ("plot.png", b"<html>not a png</html>", "does not look like a png file"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_forbidden_or_fake_files_are_refused_and_nothing_is_stored(
    browser_client, member, make_item, name, content, message
):
    item = make_item()
    response = browser_client.as_user(member).post(
        page_url(item, "attachments/"), {"attachments": [upload(), upload(name, content)]}
    )
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assert not ItemAttachment.objects.exists(), "one refused file: none stored"


def test_too_big_or_too_many_files_are_refused(member, make_item, monkeypatch):
    from django.core.exceptions import ValidationError

    item = make_item()
    monkeypatch.setattr(conf, "ATTACHMENT_MAX_BYTES", 10)
    with pytest.raises(ValidationError, match="attachments may be at most 10"):
        services.attachments_add(actor=member, item=item, files=[upload()])
    monkeypatch.setattr(conf, "ATTACHMENT_MAX_BYTES", 10_000)
    monkeypatch.setattr(conf, "ATTACHMENTS_PER_ITEM", 1)
    with pytest.raises(ValidationError, match="at most 1 attachments"):
        services.attachments_add(actor=member, item=item, files=[upload(), upload()])


@pytest.mark.parametrize(("persona", "status"), [("stakeholder", 403), ("outsider", 404)], indirect=["persona"])
def test_people_outside_the_team_can_neither_download_nor_upload(
    browser_client, api, persona, status, member, make_item
):
    item = make_item()
    (attachment,) = services.attachments_add(actor=member, item=item, files=[upload()])
    client = browser_client.as_user(persona)
    assert client.get(page_url(item, f"attachments/{attachment.pk}/")).status_code == status
    assert client.post(page_url(item, "attachments/"), {"attachments": [upload()]}).status_code == status
    api_url = f"/api/v1/products/recommender/backlog/items/{item.number}/attachments/"
    assert api.as_user(persona).get(api_url + f"{attachment.pk}/").status_code == status
    assert ItemAttachment.objects.count() == 1


def test_a_file_of_another_item_is_not_reached_through_this_one(browser_client, member, make_item):
    item, other = make_item(), make_item()
    (attachment,) = services.attachments_add(actor=member, item=other, files=[upload()])
    assert browser_client.as_user(member).get(page_url(item, f"attachments/{attachment.pk}/")).status_code == 404


def test_only_the_uploader_or_a_lead_removes_a_file(browser_client, member, scrum_master, product, make_item):
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(product=product, role="member").user
    item = make_item()
    (attachment,) = services.attachments_add(actor=member, item=item, files=[upload()])
    remove = page_url(item, f"attachments/{attachment.pk}/remove/")
    assert browser_client.as_user(colleague).post(remove).status_code == 403
    assert browser_client.as_user(scrum_master).post(remove).status_code == 302
    assert not ItemAttachment.objects.exists()


def test_attachments_through_the_api(api, member, make_item):
    item = make_item()
    client = api.as_user(member)
    url = f"/api/v1/products/recommender/backlog/items/{item.number}/attachments/"
    created = client.post(url, {"files": [upload(), upload("notes.txt", b"plain words")]}, format="multipart")
    assert created.status_code == 201
    assert [row["name"] for row in created.json()] == ["plot.png", "notes.txt"]
    assert created.json()[0]["download_url"].startswith(f"/p/recommender/backlog/items/{item.number}/attachments/")
    refused = client.post(url, {"files": [upload("x.exe", b"MZ")]}, format="multipart")
    assert refused.status_code == 400
    assert "is not an accepted type" in refused.json()["attachments"][0]
    assert client.post(url, {}, format="multipart").status_code == 400
    first = created.json()[0]["id"]
    assert client.delete(url + f"{first}/").status_code == 204
    assert [row["name"] for row in client.get(url).json()] == ["notes.txt"]


# --- due dates --------------------------------------------------------------------


def test_overdue_items_are_marked_in_the_backlog_on_the_item_and_on_the_board(browser_client, pm, product, make_item):
    from apps.sprints import services as sprints

    today = timezone.localdate()
    late = make_item(title="Late one", status="ready", points=1, due_date=today - datetime.timedelta(days=1))
    make_item(title="Done late", status="done", due_date=today - datetime.timedelta(days=3))
    make_item(title="Not yet", due_date=today + datetime.timedelta(days=3))
    assert late.is_overdue
    client = browser_client.as_user(pm)
    backlog = client.get("/p/recommender/backlog/")
    assertContains(backlog, '<span class="flag overdue"', count=1)
    assertContains(backlog, f"due {(today + datetime.timedelta(days=3)).isoformat()}")
    assertContains(client.get(page_url(late)), "overdue: due")
    sprint = sprints.sprint_create(
        actor=pm, product=product, name="S", start_date=today, end_date=today + datetime.timedelta(days=13)
    )
    sprints.sprint_item_add(actor=pm, sprint=sprint, item=late)
    sprints.sprint_start(actor=pm, sprint=sprint)
    assertContains(client.get(f"/p/recommender/sprints/{sprint.pk}/board/"), ">Overdue<")


def test_the_due_date_is_set_in_the_edit_form_and_the_api(browser_client, api, pm, make_item):
    item = make_item()
    response = browser_client.as_user(pm).get(page_url(item, "edit/"))
    assertContains(response, 'name="due_date"')
    client = api.as_user(pm)
    url = f"/api/v1/products/recommender/backlog/items/{item.number}/"
    changed = client.patch(url, {"version": 1, "due_date": "2031-02-03"}, format="json")
    assert changed.json()["due_date"] == "2031-02-03"
    assert changed.json()["is_overdue"] is False
    assert client.patch(url, {"version": 2, "due_date": "soon"}, format="json").status_code == 400
    assertNotContains(browser_client.as_user(pm).get("/p/recommender/backlog/"), "flag overdue")


def test_a_failure_after_some_files_were_written_leaves_none_on_disk(monkeypatch, member, make_item, media_root):
    item = make_item()
    real_save = ItemAttachment.save
    saved = []

    def second_save_fails(attachment, *args, **kwargs):
        if saved:
            raise RuntimeError("the database went away")
        saved.append(attachment)
        return real_save(attachment, *args, **kwargs)

    monkeypatch.setattr(ItemAttachment, "save", second_save_fails)
    with pytest.raises(RuntimeError):
        services.attachments_add(actor=member, item=item, files=[upload("one.png"), upload("two.png")])
    assert not ItemAttachment.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*")), "no file is left on disk"
