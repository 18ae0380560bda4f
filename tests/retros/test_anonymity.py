"""An anonymous card's writer and a health-check answerer cannot be found:
not on a page, in an export, through the API or the admin, in a table, or in
a log line. Each route is tried."""

import json
import logging

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import reverse

from apps.accounts.models import Role
from apps.core.models import SealedBallot
from apps.retros import services
from apps.retros.models import Card, HealthAnswer, HealthCheck, HealthCheckMark, SummaryEmail, Theme
from tests.factories import MembershipFactory, UserFactory
from tests.retros.conftest import first_column, to_phase

SECRET_TEXT = "Our release checklist is theatre"


@pytest.fixture
def writer(product):
    """Someone whose name is easy to spot, who writes only anonymous cards."""
    # An id no other number in these small tables is equal to.
    user = UserFactory(
        id=4242, username="quietwriter", first_name="Quentin", last_name="Quill", email="quentin@example.com"
    )
    MembershipFactory(product=product, role=Role.TEAM_MEMBER, user=user)
    return user


def traces(user) -> list[str]:
    return [user.username, user.first_name, user.last_name, user.email]


def snapshot() -> dict[str, set]:
    """Every row of every table, as tuples."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 -- table names from the schema
            tables[table] = {tuple(row) for row in cursor.fetchall()}
    return tables


def changes(before: dict[str, set], after: dict[str, set]) -> dict[str, set]:
    return {table: after[table] - before.get(table, set()) for table in after if after[table] != before.get(table)}


def row_mentions(row: tuple, user) -> bool:
    text = " ".join(str(value) for value in row)
    return any(trace in text for trace in traces(user))


def board_url(retro, name="board"):
    return reverse(f"retros:{name}", args=[retro.product.slug, retro.pk])


def api_url(retro, path=""):
    return f"/api/v1/products/{retro.product.slug}/retros/{retro.pk}/{path}"


# --- Writing leaves no trace of the writer ---------------------------------------------------


def test_writing_an_anonymous_card_on_the_page_changes_only_the_card_and_the_boards_version(
    client, writer, retro, caplog
):
    client.force_login(writer)
    client.get(board_url(retro))  # the browser gets its secret
    before = snapshot()
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            board_url(retro, "card-add"),
            {"column": first_column(retro).pk, "text": SECRET_TEXT, "anonymous": "1", "idempotency_key": "k" * 20},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200 and SECRET_TEXT in response.content.decode()  # the writer sees it
    changed = changes(before, snapshot())
    assert set(changed) == {"retros_card", "retros_retrospective"}
    (card_row,) = changed["retros_card"]
    assert not row_mentions(card_row, writer) and writer.pk not in card_row
    assert SECRET_TEXT not in str(card_row)  # sealed while it is written
    card = Card.objects.get()
    assert card.author_id is None and card.text == "" and card.content == SECRET_TEXT
    log = " ".join(record.getMessage() for record in caplog.records)
    assert not any(trace in log for trace in traces(writer)) and f"user {writer.pk}" not in log


def test_writing_an_anonymous_card_through_the_api_leaves_only_the_card(api, writer, retro):
    api.as_user(writer)
    before = snapshot()
    response = api.post(
        api_path := api_url(retro, "cards/"),
        {"column": first_column(retro).pk, "text": SECRET_TEXT, "anonymous": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="same-key-twice-0001",
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] is None and response.json()["mine"] is True
    secret = response["X-Retro-Secret"]
    changed = changes(before, snapshot())
    # The API's throttle counts the person's requests (times only, in the shared cache); nothing names the card.
    assert set(changed) - {settings.CACHES["default"].get("LOCATION")} == {"retros_card", "retros_retrospective"}
    for row in changed["retros_card"]:
        assert writer.pk not in row and SECRET_TEXT not in str(row)
    # The writer, by their secret, still edits it; the same key twice is not a replay of a kept answer.
    card_id = response.json()["id"]
    edited = api.patch(api_path + f"{card_id}/", {"text": "Edited"}, format="json", HTTP_X_RETRO_SECRET=secret)
    assert edited.status_code == 200 and edited.json()["text"] == "Edited"


# --- After the reveal: pages, exports, API, admin and tables ---------------------------------------


@pytest.fixture
def closed_board(client, writer, member, scrum_master, retro):
    """A retro taken to its end with one anonymous card by `writer`, one named card by `member`."""
    client.force_login(writer)
    client.get(board_url(retro))
    client.post(board_url(retro, "card-add"), {"column": first_column(retro).pk, "text": SECRET_TEXT, "anonymous": "1"})
    services.card_add(actor=member, retro=retro, column=first_column(retro), text="Named by member")
    retro = to_phase(retro, "group", scrum_master)
    cards = list(Card.objects.filter(retro=retro))
    services.theme_create(actor=member, retro=retro, title="Release process", cards=cards)
    retro = to_phase(retro, "vote", scrum_master)
    services.vote_add(actor=member, retro=retro, theme=Theme.objects.get(retro=retro))
    retro = to_phase(retro, "discuss", scrum_master)
    services.action_add(
        actor=scrum_master, retro=retro, text="Trim the checklist", card=Card.objects.get(text=SECRET_TEXT)
    )
    return to_phase(retro, "closed", scrum_master)


def card_block(page: str, text: str) -> str:
    """The <li> of the card showing `text`."""
    at = page.index(text)
    return page[page.rindex("<li", 0, at) : page.index("</li>", at)]


def test_no_page_or_export_names_the_writer(client, closed_board, writer, scrum_master, member):
    retro = closed_board
    client.force_login(scrum_master)
    board = client.get(board_url(retro)).content.decode()
    assert SECRET_TEXT in board
    block = card_block(board, SECRET_TEXT)
    assert not any(trace in block for trace in traces(writer))
    for name in ("summary", "summary-md", "health"):
        page = client.get(board_url(retro, name)).content.decode()
        assert not any(trace in page for trace in traces(writer)), name
    for address in (
        reverse("retros:list", args=[retro.product.slug]),
        reverse("retros:actions", args=[retro.product.slug]),
    ):
        assert not any(trace in client.get(address).content.decode() for trace in traces(writer)), address
    # The PDF is drawn from the same summary as the markdown above.
    assert client.get(board_url(retro, "summary-pdf")).status_code == 200


def test_no_api_answer_names_the_writer(api, closed_board, writer, scrum_master):
    retro = closed_board
    api.as_user(scrum_master)
    card = Card.objects.get(text=SECRET_TEXT)
    answers = {
        path: api.get(api_url(retro, path)).json()
        for path in ("board/", "cards/", f"cards/{card.pk}/", "themes/", "actions/", "summary/", "")
    }
    answers["retro-actions"] = api.get(f"/api/v1/products/{retro.product.slug}/retro-actions/").json()
    for path, answer in answers.items():
        text = json.dumps(answer)
        assert not any(trace in text for trace in traces(writer)), path
    assert answers[f"cards/{card.pk}/"]["author"] is None and answers[f"cards/{card.pk}/"]["author_name"] == ""
    assert answers[f"cards/{card.pk}/"]["mine"] is False


def test_the_admin_shows_no_writer(client, closed_board, writer, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    card = Card.objects.get(text=SECRET_TEXT)
    for address in (
        reverse("admin:retros_card_changelist"),
        reverse("admin:retros_card_change", args=[card.pk]),
        reverse("admin:retros_actionitem_changelist"),
        reverse("admin:retros_retrospective_change", args=[closed_board.pk]),
    ):
        page = client.get(address)
        assert page.status_code == 200, address
        assert not any(trace in page.content.decode() for trace in traces(writer)), address


def test_the_admin_shows_health_answers_without_people(client, product, scrum_master, retro, db):
    check = answer_as_many(product, retro, 5)
    services.health_check_close(actor=scrum_master, check=check)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    people = [m.user for m in product.memberships.select_related("user") if m.user.username.startswith("user")]
    for address in (
        reverse("admin:retros_healthanswer_changelist"),
        reverse("admin:retros_healthcheck_change", args=[check.pk]),
    ):
        page = client.get(address).content.decode()
        assert not any(person.username in page or person.email in page for person in people), address


def test_no_row_of_any_retro_table_points_at_the_writer(closed_board, writer):
    # Like everyone in the team, the writer is sent the summary; nothing else of theirs is here.
    assert SummaryEmail.objects.filter(recipient=writer).exists()
    for model in apps.get_app_config("retros").get_models():
        if model is SummaryEmail:
            continue
        user_fields = [
            f.attname for f in model._meta.concrete_fields if f.is_relation and f.related_model is type(writer)
        ]
        for field in user_fields:
            assert not model.objects.filter(**{field: writer.pk}).exists(), f"{model.__name__}.{field}"
    card = Card.objects.get(text=SECRET_TEXT)
    assert card.writer_tag == "" and card.sealed is None and card.author_id is None


def test_reveal_writes_the_cards_again_so_draft_ids_lead_nowhere(client, writer, scrum_master, retro):
    client.force_login(writer)
    client.get(board_url(retro))
    client.post(board_url(retro, "card-add"), {"column": first_column(retro).pk, "text": SECRET_TEXT, "anonymous": "1"})
    draft = Card.objects.get()
    to_phase(retro, "reveal", scrum_master)
    assert not Card.objects.filter(pk=draft.pk).exists()
    # Its writer no longer has it as theirs: after the reveal nobody edits.
    response = client.post(board_url(retro, "card-edit"), {"card": Card.objects.get().pk, "text": "x"})
    assert response.status_code == 403


def test_another_account_in_the_same_browser_is_not_the_writer(client, writer, member, retro):
    client.force_login(writer)
    client.get(board_url(retro))
    client.post(board_url(retro, "card-add"), {"column": first_column(retro).pk, "text": SECRET_TEXT, "anonymous": "1"})
    client.force_login(member)  # the writer's cookie is still in this browser
    assert SECRET_TEXT not in client.get(board_url(retro)).content.decode()
    card = Card.objects.get()
    assert client.post(board_url(retro, "card-delete"), {"card": card.pk}).status_code == 400
    assert Card.objects.filter(pk=card.pk).exists()


# --- Health check ---------------------------------------------------------------------------------


def ratings_for(check, colour="green", comment=""):
    return {d["id"]: (colour, comment) for d in check.dimensions}


def form_for(check, colour="green", comment=""):
    data = {}
    for d in check.dimensions:
        data[f"rating_{d['id']}"] = colour
        data[f"comment_{d['id']}"] = comment
    return data


def test_answering_records_only_that_someone_answered_and_a_sealed_ballot(client, writer, retro, caplog):
    check = HealthCheck.objects.get(retro=retro)
    client.force_login(writer)
    before = snapshot()
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            board_url(retro, "health"), {**form_for(check, "red", "I am burning out"), "idempotency_key": "h" * 20}
        )
    assert response.status_code == 302
    changed = changes(before, snapshot())
    assert set(changed) == {"retros_healthcheckmark", "core_sealedballot"}
    (ballot,) = changed["core_sealedballot"]
    assert "burning" not in str(ballot) and writer.pk not in ballot
    (mark,) = changed["retros_healthcheckmark"]
    assert len(mark) == 3  # id, check, person: no time
    log = " ".join(record.getMessage() for record in caplog.records)
    assert "burning" not in log and not any(trace in log for trace in traces(writer))


def test_answers_carry_no_person_no_time_and_cannot_be_joined(db):
    for model in (HealthAnswer, HealthCheckMark, SealedBallot):
        kinds = {type(f).__name__ for f in model._meta.concrete_fields}
        assert not kinds & {"DateTimeField", "DateField", "TimeField"}, model
    assert {f.name for f in HealthAnswer._meta.concrete_fields} == {
        "id",
        "health_check",
        "dimension",
        "dimension_name",
        "rating",
        "comment",
    }
    assert HealthAnswer._meta.pk.get_internal_type() == "UUIDField"


def answer_as_many(product, retro, count, colour="amber"):
    check = HealthCheck.objects.get(retro=retro)
    people = [MembershipFactory(product=product, role=Role.TEAM_MEMBER, user=UserFactory()).user for _ in range(count)]
    for n, person in enumerate(people):
        services.health_answer(actor=person, check=check, ratings=ratings_for(check, colour, f"comment {n}"))
    return check


@pytest.mark.parametrize(("answers", "shown"), [(4, False), (5, True)])
def test_nothing_shows_below_the_minimum_of_answers(client, api, product, scrum_master, retro, answers, shown):
    check = answer_as_many(product, retro, answers)
    services.health_check_close(actor=scrum_master, check=check)
    # Below the minimum nothing is kept but the number; from it on, every rating.
    kept = answers * len(check.dimensions) if shown else 0
    assert HealthAnswer.objects.filter(health_check=check).count() == kept
    assert HealthCheck.objects.get(pk=check.pk).responses == answers
    assert not SealedBallot.objects.exists()
    client.force_login(scrum_master)
    health = client.get(board_url(retro, "health")).content.decode()
    pages = [
        health,
        client.get(board_url(retro, "summary")).content.decode(),
        client.get(board_url(retro, "summary-md")).content.decode(),
        client.get(reverse("retros:health-trend", args=[product.slug])).content.decode(),
    ]
    assert ("comment 0" in health) is shown
    assert ("Not enough answers to show anything" in health) is not shown
    if not shown:
        for page in pages:
            assert "comment 0" not in page and "Delivering value</th>\n        <td" not in page
    api.as_user(scrum_master)
    assert (api.get(api_url(retro, "health-check/")).json()["results"] is not None) is shown
    trend = api.get(f"/api/v1/products/{product.slug}/health-trend/").json()
    cells = [cell for dimension in trend["dimensions"] for cell in dimension["cells"]]
    assert cells and all((cell is not None) is shown for cell in cells)
    if shown:
        assert {cell["score"] for cell in cells} == {50}


def test_the_count_moves_in_steps_while_the_check_is_open(client, api, product, scrum_master, retro):
    client.force_login(scrum_master)
    answer_as_many(product, retro, 4)
    assert "fewer than 5 answers" in client.get(board_url(retro, "health")).content.decode()
    answer_as_many(product, retro, 3)
    assert "at least 5 answers" in client.get(board_url(retro, "health")).content.decode()
    data = api.as_user(scrum_master).get(api_url(retro, "health-check/")).json()
    assert data["answer_count"] == 5 and data["answer_count_exact"] is False
    services.health_check_close(actor=scrum_master, check=HealthCheck.objects.get(retro=retro))
    data = api.get(api_url(retro, "health-check/")).json()
    assert data["answer_count"] == 7 and data["answer_count_exact"] is True


def test_a_second_answer_is_refused_and_changes_nothing(client, writer, retro):
    check = HealthCheck.objects.get(retro=retro)
    client.force_login(writer)
    client.post(board_url(retro, "health"), form_for(check))
    before = snapshot()
    response = client.post(board_url(retro, "health"), form_for(check, "red"))
    assert response.status_code == 400 and "already answered" in response.content.decode()
    assert changes(before, snapshot()) == {}


def test_answers_after_the_check_closed_are_refused(client, writer, scrum_master, retro):
    check = HealthCheck.objects.get(retro=retro)
    services.health_check_close(actor=scrum_master, check=check)
    client.force_login(writer)
    response = client.post(board_url(retro, "health"), form_for(check))
    assert response.status_code == 400 and "closed" in response.content.decode()
    assert not HealthCheckMark.objects.exists()
