"""Attachments: checked for type (extension and content) and size, stored
under MEDIA_ROOT with a random name, served only through a permission check."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.requests import conf
from apps.requests.models import Attachment, StakeholderRequest
from tests.factories import MembershipFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
FORM = {
    "title": "Broken chart exports",
    "problem": "Exports cut off the legend.",
    "desired_outcome": "Complete exports.",
    "urgency": "low",
    "visibility": "public",
}


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit_page(client, product, *files):
    return client.post(f"/p/{product.slug}/requests/new/", {**FORM, "attachments": list(files)})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("screenshot.png", PNG),
        ("report.PDF", PDF),
        ("numbers.csv", "region,error\nnorth,4.2\nsüd,3.1\n".encode()),
        ("notes.txt", b"plain words"),
        ("sheet.xlsx", xlsx()),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
    ],
)
def test_accepted_types_are_stored_under_a_random_name(browser_client, stakeholder, product, media_root, name, content):
    response = submit_page(browser_client.as_user(stakeholder), product, upload(name, content))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == name and attachment.size == len(content)
    assert name not in attachment.file.name
    assert (media_root / attachment.file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "not an accepted type"),
        ("fake.png", b"<html><script>alert(1)</script>", "does not look like a png"),
        ("fake.pdf", PNG, "does not look like a pdf"),
        ("binary.csv", b"a,b\n\x00\x01\x02", "does not look like a csv"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "does not look like a txt"),
        ("zip.xlsx", b"PK\x03\x04 not really a zip", "does not look like a xlsx"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_saved(browser_client, stakeholder, product, name, content, message):
    response = submit_page(browser_client.as_user(stakeholder), product, upload(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StakeholderRequest.objects.exists() and not Attachment.objects.exists()


def test_an_oversized_attachment_is_refused_with_its_size(
    monkeypatch, browser_client, stakeholder, product, media_root
):
    monkeypatch.setattr(conf, "ATTACHMENT_MAX_BYTES", 1024)
    response = submit_page(browser_client.as_user(stakeholder), product, upload("big.txt", b"x" * 2048))
    assert response.status_code == 400
    assert "“big.txt” is 2.0\xa0KB; attachments may be at most 1.0\xa0KB." in response.content.decode()
    assert not StakeholderRequest.objects.exists()
    assert not any(media_root.rglob("*.txt")), "no file is left on disk"


def test_the_default_limit_is_ten_megabytes():
    assert conf.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def test_one_bad_file_among_good_ones_saves_none(browser_client, stakeholder, product):
    response = submit_page(
        browser_client.as_user(stakeholder), product, upload("ok.png", PNG), upload("bad.png", b"GIF89a")
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()


@pytest.fixture
def attachment(browser_client, stakeholder, product):
    submit_page(browser_client.as_user(stakeholder), product, upload("chart.png", PNG))
    return Attachment.objects.get()


def test_the_requester_and_the_team_download_through_the_checking_view(browser_client, stakeholder, member, attachment):
    for person in (stakeholder, member):
        response = browser_client.as_user(person).get(attachment.get_absolute_url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert 'attachment; filename="chart.png"' in response["Content-Disposition"]


def test_other_members_and_outsiders_cannot_download(browser_client, product, outsider, attachment):
    other_stakeholder = MembershipFactory(product=product, role="stakeholder").user
    assert browser_client.as_user(other_stakeholder).get(attachment.get_absolute_url()).status_code == 404
    assert browser_client.as_user(outsider).get(attachment.get_absolute_url()).status_code == 404


def test_files_are_not_reachable_under_the_media_url(browser_client, stakeholder, attachment):
    assert browser_client.as_user(stakeholder).get(f"/media/{attachment.file.name}").status_code == 404


def test_more_files_through_the_api_are_checked_the_same_way(api, stakeholder, member, product, attachment):
    url = f"/api/v1/products/{product.slug}/requests/{attachment.request.number}/attachments/"
    client = api.as_user(stakeholder)
    response = client.post(url, {"attachments": [upload("more.txt", b"more")]}, format="multipart")
    assert response.status_code == 201
    assert response.json()[0]["download_url"].endswith(f"/attachments/{Attachment.objects.latest('pk').pk}/")
    response = client.post(url, {"attachments": [upload("evil.pdf", b"not a pdf")]}, format="multipart")
    assert response.status_code == 400 and "attachments" in response.json()
    assert [a["original_name"] for a in api.as_user(member).get(url).json()] == ["chart.png", "more.txt"]
    other_stakeholder = MembershipFactory(product=product, role="stakeholder").user
    assert api.as_user(other_stakeholder).get(url).status_code == 404
    response = api.as_user(other_stakeholder).post(url, {"attachments": [upload("x.txt", b"x")]}, format="multipart")
    assert response.status_code == 403


def test_a_request_holds_at_most_ten_attachments(api, stakeholder, product, attachment):
    url = f"/api/v1/products/{product.slug}/requests/{attachment.request.number}/attachments/"
    files = [upload(f"f{i}.txt", b"x") for i in range(conf.ATTACHMENTS_PER_REQUEST)]
    response = api.as_user(stakeholder).post(url, {"attachments": files}, format="multipart")
    assert response.status_code == 400
    assert Attachment.objects.count() == 1


def test_a_long_text_file_with_a_character_cut_at_the_sniffing_boundary_is_accepted(
    browser_client, stakeholder, product
):
    from apps.requests.attachments import SNIFF_BYTES

    content = b"a" * (SNIFF_BYTES - 1) + "é".encode() + b"\n"
    response = submit_page(browser_client.as_user(stakeholder), product, upload("long.csv", content))
    assert response.status_code == 302


def test_files_of_a_submission_that_fails_after_they_were_written_are_removed(
    browser_client, stakeholder, product, media_root, monkeypatch
):
    """Issue 16: the first file was written to disk, the second was refused
    (here: its row), the submission rolled back, and the first file stayed."""
    original_save = Attachment.save
    calls = []

    def second_fails(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise ValidationError({"attachments": "Refused."})
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", second_fails)
    response = submit_page(browser_client.as_user(stakeholder), product, upload("a.png", PNG), upload("b.pdf", PDF))
    assert response.status_code == 400
    assert not StakeholderRequest.objects.exists() and not Attachment.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]
