"""The survey admin: deleting a survey takes its schedule entry with it."""

from django_celery_beat.models import PeriodicTask

from apps.core.models import SealedBallot
from apps.reports.models import Survey
from tests.factories import UserFactory
from tests.reports.conftest import answer_round, make_survey


def test_deleting_a_survey_in_the_admin_deletes_its_beat_entry_and_sealed_answers(client, survey, open_round):
    answer_round(open_round, [(4, 9)] * 2)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    schedule_id = survey.schedule_id
    response = client.post(f"/admin/reports/survey/{survey.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Survey.objects.exists()
    assert not PeriodicTask.objects.filter(pk=schedule_id).exists()
    assert not SealedBallot.objects.exists()


def test_deleting_surveys_in_bulk_in_the_admin_deletes_their_beat_entries(client, survey, product, pm):

    other = make_survey(product, pm, title="Another")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/reports/survey/",
        {"action": "delete_selected", "_selected_action": [survey.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Survey.objects.exists()
    assert not PeriodicTask.objects.filter(task="reports.open_round").exists()
