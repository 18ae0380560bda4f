"""The happiness pages: who sees what, the PM's settings and plan, the
report with its charts, downloads and the minimum-responses rule."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from fpdf import FPDF
from pytest_django.asserts import assertContains, assertNotContains

from apps.reports import services, tasks
from apps.reports.models import HappinessReport, ReportSubscription, Survey, SurveyRound
from tests.reports.conftest import add_people, answer_round, make_survey
from tests.utils import queries_of

BASE = "/p/recommender/reports/"
TEAM = ["pm", "scrum_master", "member"]


def survey_post(**changes):
    return {
        "title": "Platform pulse",
        "audience": "everyone",
        "capabilities": "Feature store\nDocumentation\n",
        "every_weeks": "8",
        "first_opening": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "open_days": "14",
        "reminder_days_before_close": "3",
        "min_responses": "5",
        "enabled": "on",
    } | changes


def closed_with(round_, scores, django_capture_on_commit_callbacks, **extra):
    answer_round(round_, scores, **extra)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(round_=round_)
    return HappinessReport.objects.get(round=round_)


@pytest.mark.parametrize("persona", TEAM, indirect=True)
def test_the_team_sees_surveys_and_reports(browser_client, persona, closed_round):
    response = browser_client.as_user(persona).get(BASE)
    assertContains(response, "Quarterly happiness")
    assertContains(response, "every 8 weeks")
    assertContains(response, "6 of 11")
    assertContains(response, "3.83")


def test_stakeholders_answer_surveys_but_do_not_see_reports(browser_client, stakeholder, closed_round):
    client = browser_client.as_user(stakeholder)
    for url in [
        "",
        f"surveys/{closed_round.survey_id}/",
        f"rounds/{closed_round.pk}/",
        f"rounds/{closed_round.pk}/report.pdf",
    ]:
        assert client.get(BASE + url).status_code == 403, url
    overview = client.get("/p/recommender/")
    assertContains(overview, "Requests</a>")  # the product's tabs are there, only not this one
    assertNotContains(overview, "Happiness</a>")


def test_outsiders_get_404_everywhere(browser_client, outsider, closed_round):
    client = browser_client.as_user(outsider)
    for url in ["", "surveys/new/", f"surveys/{closed_round.survey_id}/", f"rounds/{closed_round.pk}/"]:
        assert client.get(BASE + url).status_code == 404, url
    for url in ["subscription/", f"surveys/{closed_round.survey_id}/open/", f"rounds/{closed_round.pk}/actions/"]:
        assert client.post(BASE + url, {}).status_code == 404, url


def test_the_happiness_tab_is_shown_to_the_team(browser_client, member, product):
    assertContains(browser_client.as_user(member).get("/p/recommender/"), f'href="{BASE}"')


def test_anonymous_visitors_are_sent_to_sign_in(client, closed_round):
    assert client.get(BASE).status_code == 302
    assert client.get(f"{BASE}rounds/{closed_round.pk}/report.pdf").status_code == 302


def test_pm_schedules_a_survey(browser_client, pm, product):
    response = browser_client.as_user(pm).post(BASE + "surveys/new/", survey_post())
    survey = Survey.objects.get(title="Platform pulse")
    assert response.status_code == 302 and response.url == f"{BASE}surveys/{survey.pk}/"
    assert survey.capabilities == ["Feature store", "Documentation"]
    assert PeriodicTask.objects.get(pk=survey.schedule_id).interval.every == 56


@pytest.mark.parametrize("persona", ["scrum_master", "member"], indirect=True)
def test_only_the_pm_may_schedule_or_run_surveys(browser_client, persona, survey):
    client = browser_client.as_user(persona)
    assert client.get(BASE + "surveys/new/").status_code == 403
    assert client.post(BASE + "surveys/new/", survey_post()).status_code == 403
    assert client.post(f"{BASE}surveys/{survey.pk}/", survey_post(version="1")).status_code == 403
    assert client.post(f"{BASE}surveys/{survey.pk}/open/").status_code == 403
    survey_page = client.get(f"{BASE}surveys/{survey.pk}/")
    assertContains(survey_page, "Quarterly happiness")
    assertNotContains(survey_page, "Open a round now")
    assertNotContains(survey_page, "Settings and cadence")
    assert Survey.objects.count() == 1 and not SurveyRound.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required"),
        ({"every_weeks": "0"}, "greater than or equal to 1"),
        ({"open_days": "60"}, "must close before the next one opens"),
        ({"reminder_days_before_close": "20"}, "fewer days than it is open"),
        ({"min_responses": "2"}, "greater than or equal to 3"),
        ({"first_opening": "soon"}, "Enter a valid date/time"),
    ],
)
def test_bad_survey_settings_are_shown_and_nothing_is_saved(browser_client, pm, product, changes, message):
    response = browser_client.as_user(pm).post(BASE + "surveys/new/", survey_post(**changes))
    assertContains(response, message, status_code=400)
    assert not Survey.objects.exists() and not PeriodicTask.objects.filter(task="reports.open_round").exists()


def test_pm_sees_the_round_button_and_the_settings(browser_client, pm, survey):
    survey_page = browser_client.as_user(pm).get(f"{BASE}surveys/{survey.pk}/")
    assertContains(survey_page, "Open a round now")
    assertContains(survey_page, "Settings and cadence")


def test_pm_changes_the_cadence_from_the_survey_page(browser_client, pm, survey):
    response = browser_client.as_user(pm).post(
        f"{BASE}surveys/{survey.pk}/", survey_post(every_weeks="4", first_opening="", version="1")
    )
    assert response.status_code == 302
    assert PeriodicTask.objects.get(pk=survey.schedule_id).interval.every == 28
    assertContains(browser_client.get(response.url), "every 4 weeks")


def test_a_stale_settings_form_is_refused_with_a_message(browser_client, pm, survey):
    services.survey_update(actor=pm, survey=survey, expected_version=1, title="Changed meanwhile")
    response = browser_client.as_user(pm).post(f"{BASE}surveys/{survey.pk}/", survey_post(version="1"))
    # A stale edit is a 409 on every page (README, "One way in"); it was a 400 here.
    assertContains(response, "changed by someone else", status_code=409)
    survey.refresh_from_db()
    assert survey.title == "Changed meanwhile"


def test_pm_opens_and_closes_a_round_from_the_survey_page(
    browser_client, pm, survey, crowd, django_capture_on_commit_callbacks
):
    client = browser_client.as_user(pm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{BASE}surveys/{survey.pk}/open/")
        again = client.post(f"{BASE}surveys/{survey.pk}/open/", follow=True)
    assertContains(again, "already open")
    round_ = SurveyRound.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{BASE}rounds/{round_.pk}/close/")
    round_.refresh_from_db()
    assert not round_.is_open and HappinessReport.objects.filter(round=round_).exists()


def test_the_report_page_shows_figures_charts_and_themes(browser_client, member, closed_round):
    response = browser_client.as_user(member).get(f"{BASE}rounds/{closed_round.pk}/")
    assertContains(response, '<span class="kpi-value" id="happiness-mean">3.83</span>', html=True)
    # Six answers: 10, 9, 10 promote; 6 detracts: (3 - 1) / 6 = 33.3.
    assertContains(response, '<span class="kpi-value" id="nps-score">33.3</span>', html=True)
    assertContains(response, 'id="chart-happiness"')
    assertContains(response, "vendor/chartjs/chart.umd.min.js")
    assertContains(response, f"/api/v1/products/recommender/happiness-reports/{closed_round.report.pk}/")
    assertContains(response, "Documentation")
    assertContains(response, "6 (100.0%)")


def test_below_the_minimum_the_page_pdf_html_api_and_email_show_no_figures(
    browser_client, api, pm, open_round, django_capture_on_commit_callbacks, monkeypatch
):
    ReportSubscription.objects.create(product=open_round.survey.product, person=pm)
    report = closed_with(open_round, [(1, 0), (1, 0), (1, 0), (5, 10)], django_capture_on_commit_callbacks)
    # 4 answers: a mean of 2.0 and an NPS of -50 must appear nowhere.
    hidden = ["2.0", "-50", 'id="happiness-mean"']
    page = browser_client.as_user(pm).get(f"{BASE}rounds/{open_round.pk}/").content.decode()
    html = browser_client.get(f"{BASE}rounds/{open_round.pk}/report.html").content.decode()
    body = api.as_user(pm).get(f"/api/v1/products/recommender/happiness-reports/{report.pk}/").json()
    email = mail.outbox[-1]
    assert "Not enough responses" in page and "Not enough responses" in html and "Not enough" in email.body
    for text in (page, html, email.body, email.alternatives[0][0]):
        assert not [h for h in hidden if h in text]
    assert body["happiness_mean"] is None and body["nps"] is None
    assert body["figures"]["overall"] == {"label": "Everyone", "responses": 4, "enough": False}
    assert "chart-happiness" not in page
    written = pdf_text(browser_client, open_round, monkeypatch)
    assert "Not enough responses" in written or "not enough responses" in written
    assert not [h for h in hidden[:2] if h in written]


def pdf_text(client, round_, monkeypatch) -> str:
    """Everything the PDF writes (its text is font-encoded, so it is
    recorded on the way in rather than searched for in the file)."""
    written = []
    original = FPDF.multi_cell

    def recording(self, w, h=None, text="", *args, **kwargs):
        written.append(str(text))
        return original(self, w, h, text, *args, **kwargs)

    monkeypatch.setattr(FPDF, "multi_cell", recording)
    response = client.get(f"{BASE}rounds/{round_.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return "\n".join(written)


def test_the_pdf_and_html_downloads_hold_the_report(browser_client, member, closed_round, monkeypatch):
    client = browser_client.as_user(member)
    pdf = client.get(f"{BASE}rounds/{closed_round.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="happiness-recommender-round-1.pdf"'
    written = pdf_text(client, closed_round, monkeypatch)
    assert "Happiness: 3.83 of 5" in written and "Net promoter score: 33.3" in written
    assert "Documentation" in written
    html = client.get(f"{BASE}rounds/{closed_round.pk}/report.html")
    assert html["Content-Disposition"].endswith('.html"')
    assert "<script" not in html.content.decode() and "3.83" in html.content.decode()


def test_a_round_without_a_report_has_no_download(browser_client, member, open_round):
    client = browser_client.as_user(member)
    assertContains(client.get(f"{BASE}rounds/{open_round.pk}/"), "built when the round closes")
    assert client.get(f"{BASE}rounds/{open_round.pk}/report.pdf").status_code == 404


def test_pm_writes_the_plan_and_links_items_with_htmx(browser_client, pm, closed_round):
    from apps.backlog import services as backlog

    backlog.item_create(actor=pm, product=closed_round.survey.product, title="Rewrite the getting-started guide")
    client = browser_client.as_user(pm)
    response = client.post(
        f"{BASE}rounds/{closed_round.pk}/actions/",
        {"note": "We will **fix the docs**", "items": "#1", "actions_version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assertContains(response, "<strong>fix the docs</strong>", html=True)
    assertContains(response, "#1 Rewrite the getting-started guide")
    assertNotContains(response, "<html")
    created = client.post(
        f"{BASE}rounds/{closed_round.pk}/actions/new-item/",
        {"title": "Status page for outages", "kind": "story", "actions_version": "2"},
        HTTP_HX_REQUEST="true",
    )
    assertContains(created, "#2 Status page for outages")
    assert [i.title for i in closed_round.report.action_items.order_by("number")] == [
        "Rewrite the getting-started guide",
        "Status page for outages",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "x", "items": "#99", "actions_version": "1"}, "No backlog item #99"),
        ({"note": "x", "items": "twelve", "actions_version": "1"}, "is not an item number"),
        ({"note": "x", "items": "²", "actions_version": "1"}, "is not an item number"),
        ({"note": "x", "items": str(10**25), "actions_version": "1"}, "is not an item number"),
    ],
)
def test_a_bad_plan_is_refused_with_a_message(browser_client, pm, closed_round, data, message):
    response = browser_client.as_user(pm).post(f"{BASE}rounds/{closed_round.pk}/actions/", data, HTTP_HX_REQUEST="true")
    assertContains(response, message, status_code=400)
    closed_round.report.refresh_from_db()
    assert closed_round.report.action_note == ""


@pytest.mark.parametrize("htmx", [True, False], ids=["fragment", "page"])
def test_a_stale_plan_is_refused_with_a_409_and_a_message(browser_client, pm, closed_round, htmx):
    """Someone saved the plan since this form was opened (its version is 1, the plan's 2)."""
    services.report_actions_set(
        actor=pm, report=closed_round.report, note="Saved meanwhile", item_numbers=[], expected_version=1
    )
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = f"{BASE}rounds/{closed_round.pk}/actions/"
    response = browser_client.as_user(pm).post(url, {"note": "mine", "items": "", "actions_version": "1"}, **headers)
    assertContains(response, "changed by someone else", status_code=409)
    assertContains(response, "Saved meanwhile", status_code=409)
    item = browser_client.post(
        url + "new-item/", {"title": "Stale item", "kind": "story", "actions_version": "1"}, **headers
    )
    assertContains(item, "changed by someone else", status_code=409)
    closed_round.report.refresh_from_db()
    assert (closed_round.report.action_note, closed_round.report.actions_version) == ("Saved meanwhile", 2)
    assert not closed_round.report.action_items.exists()


def test_a_stale_settings_form_keeps_what_the_person_typed(browser_client, pm, survey):
    services.survey_update(actor=pm, survey=survey, expected_version=1, title="Changed meanwhile")
    response = browser_client.as_user(pm).post(
        f"{BASE}surveys/{survey.pk}/", survey_post(title="My new title", version="1")
    )
    assertContains(response, "was changed by someone else since you opened it", status_code=409)
    assertContains(response, 'value="My new title"', status_code=409)


@pytest.mark.parametrize("persona", ["scrum_master", "member"], indirect=True)
def test_only_the_pm_writes_the_plan_or_rebuilds(browser_client, persona, closed_round):
    client = browser_client.as_user(persona)
    data = {"note": "mine", "items": "", "actions_version": "1"}
    assert client.post(f"{BASE}rounds/{closed_round.pk}/actions/", data).status_code == 403
    assert client.post(f"{BASE}rounds/{closed_round.pk}/rebuild/").status_code == 403
    report_page = client.get(f"{BASE}rounds/{closed_round.pk}/")
    assertContains(report_page, "What we will do about it")
    assertNotContains(report_page, "Edit the plan")


def test_pm_rebuilds_a_report_on_demand(browser_client, pm, closed_round, django_capture_on_commit_callbacks):
    HappinessReport.objects.filter(round=closed_round).update(figures={})
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_client.as_user(pm).post(f"{BASE}rounds/{closed_round.pk}/rebuild/")
    assert response.status_code == 302
    report = HappinessReport.objects.get(round=closed_round)
    assert report.version == 2 and report.figures["overall"]["happiness"]["mean"] == 3.83


@pytest.mark.parametrize("persona", TEAM, indirect=True)
def test_the_team_subscribes_and_unsubscribes_with_htmx(browser_client, persona, product):
    client = browser_client.as_user(persona)
    response = client.post(BASE + "subscription/", {"subscribed": "1"}, HTTP_HX_REQUEST="true")
    assertContains(response, "Unsubscribe")
    assert ReportSubscription.objects.filter(person=persona, product=product).exists()
    client.post(BASE + "subscription/", {"subscribed": "0"}, HTTP_HX_REQUEST="true")
    assert not ReportSubscription.objects.exists()


def test_stakeholders_cannot_subscribe(browser_client, stakeholder, product):
    assert browser_client.as_user(stakeholder).post(BASE + "subscription/", {"subscribed": "1"}).status_code == 403
    assert not ReportSubscription.objects.exists()


def test_a_member_with_an_open_invitation_gets_a_link_to_answer(browser_client, member, open_round):
    response = browser_client.as_user(member).get(BASE)
    assertContains(response, "Answer now")
    assertContains(response, f"/p/recommender/reports/rounds/{open_round.pk}/answer/")


def test_home_queries_do_not_grow_with_rounds_and_surveys(
    browser_client, pm, product, crowd, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = browser_client.as_user(pm)

    def add_closed_round(survey):
        with django_capture_on_commit_callbacks(execute=True):
            round_ = services.round_open(survey=survey)
        closed_with(round_, [(4, 9)] * 5, django_capture_on_commit_callbacks)

    add_closed_round(make_survey(product, pm))
    with_one = queries_of(lambda: client.get(BASE))
    for index in range(3):
        add_closed_round(make_survey(product, pm, title=f"Survey {index}"))
    with django_assert_num_queries(with_one):
        assert client.get(BASE).status_code == 200


def test_report_page_queries_do_not_grow_with_linked_items_or_themes(
    browser_client, pm, closed_round, django_assert_num_queries
):
    from apps.backlog import services as backlog

    client = browser_client.as_user(pm)
    url = f"{BASE}rounds/{closed_round.pk}/"
    product = closed_round.survey.product
    report = closed_round.report
    report.action_items.add(backlog.item_create(actor=pm, product=product, title="One"))
    with_one = queries_of(lambda: client.get(url))
    report.action_items.add(*(backlog.item_create(actor=pm, product=product, title=f"Item {i}") for i in range(8)))
    with django_assert_num_queries(with_one):
        assert client.get(url).status_code == 200


def test_survey_page_queries_do_not_grow_with_rounds(
    browser_client, pm, survey, crowd, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = browser_client.as_user(pm)
    url = f"{BASE}surveys/{survey.pk}/"

    def add_round():
        with django_capture_on_commit_callbacks(execute=True):
            round_ = services.round_open(survey=survey)
            services.round_close(round_=round_)

    add_round()
    with_one = queries_of(lambda: client.get(url))
    for _ in range(4):
        add_round()
    with django_assert_num_queries(with_one):
        assert client.get(url).status_code == 200


def test_people_added_later_do_not_change_past_rounds(browser_client, pm, closed_round, product):
    add_people(product, 3)
    assertContains(browser_client.as_user(pm).get(BASE), "6 of 11")


NOTE_WITH_SCRIPT = "We fix the **docs** <script>alert(1)</script> [guide](javascript:alert(2))"
NOTE_SANITISED = '<p>We fix the <strong>docs</strong>  <a rel="noopener noreferrer nofollow">guide</a></p>'


def test_the_plan_is_shown_sanitised_on_the_page_the_download_and_the_email(
    browser_client, pm, closed_round, django_capture_on_commit_callbacks
):
    report = services.report_actions_set(
        actor=pm, report=closed_round.report, note=NOTE_WITH_SCRIPT, item_numbers=[], expected_version=1
    )
    client = browser_client.as_user(pm)
    page = client.get(f"{BASE}rounds/{closed_round.pk}/")
    html = client.get(f"{BASE}rounds/{closed_round.pk}/report.html")
    ReportSubscription.objects.create(product=closed_round.survey.product, person=pm)
    HappinessReport.objects.filter(pk=report.pk).update(emailed_version=0)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.email_report.apply(args=[report.pk, report.version]).get()
    email_html = mail.outbox[-1].alternatives[0][0]
    for response in (page, html):
        assertContains(response, NOTE_SANITISED, html=True)
        # (The page's edit form shows the note as typed, escaped, in its textarea.)
        assertNotContains(response, "<script>alert")
        assertNotContains(response, 'href="javascript:')
    assertNotContains(html, "alert(1)")
    assert "<strong>docs</strong>" in email_html and "guide</a>" in email_html
    assert "alert(1)" not in email_html and "javascript:" not in email_html


def test_free_text_answers_are_quoted_escaped(browser_client, member, open_round, django_capture_on_commit_callbacks):
    closed_with(
        open_round, [(4, 9)] * 5, django_capture_on_commit_callbacks, improve="The docs <script>alert(1)</script>"
    )
    response = browser_client.as_user(member).get(f"{BASE}rounds/{open_round.pk}/")
    assertContains(response, "“The docs &lt;script&gt;alert(1)&lt;/script&gt;”")
    assertNotContains(response, "<script>alert(1)")


def test_ids_of_other_products_or_too_large_for_the_database_are_404(
    browser_client, pm, closed_round, other_product, django_capture_on_commit_callbacks
):
    from apps.accounts.models import Membership, Role

    Membership.objects.create(product=other_product, user=pm, role=Role.PRODUCT_MANAGER)
    client = browser_client.as_user(pm)
    other = f"/p/{other_product.slug}/reports/"
    huge = 10**25
    for url in [
        f"{other}surveys/{closed_round.survey_id}/",
        f"{other}rounds/{closed_round.pk}/",
        f"{other}rounds/{closed_round.pk}/report.pdf",
        f"{BASE}surveys/{huge}/",
        f"{BASE}rounds/{huge}/",
        f"{BASE}rounds/{huge}/report.html",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"{other}surveys/{closed_round.survey_id}/open/",
        f"{other}rounds/{closed_round.pk}/close/",
        f"{other}rounds/{closed_round.pk}/rebuild/",
        f"{other}rounds/{closed_round.pk}/actions/",
        f"{BASE}rounds/{huge}/actions/new-item/",
    ]:
        assert client.post(url, {"note": "x", "items": "", "actions_version": "1"}).status_code == 404, url
    closed_round.report.refresh_from_db()
    assert closed_round.report.action_note == ""


def test_a_round_closed_meanwhile_is_a_warning_not_an_error(
    browser_client, pm, open_round, django_capture_on_commit_callbacks
):
    client = browser_client.as_user(pm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{BASE}rounds/{open_round.pk}/close/")
        again = client.post(f"{BASE}rounds/{open_round.pk}/close/", follow=True)
    assertContains(again, f"Round {open_round.number} is already closed.")
    assert HappinessReport.objects.filter(round=open_round).count() == 1


def test_opening_a_round_with_nobody_to_ask_shows_why(browser_client, pm, product):
    survey = make_survey(product, pm, audience="stakeholders")
    response = browser_client.as_user(pm).post(f"{BASE}surveys/{survey.pk}/open/", follow=True)
    assertContains(response, "Nobody to invite")
    assert not SurveyRound.objects.exists()


def test_a_report_is_not_rebuilt_while_its_round_is_open(
    browser_client, pm, open_round, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = browser_client.as_user(pm).post(f"{BASE}rounds/{open_round.pk}/rebuild/", follow=True)
    assertContains(response, "A report is built once the round has closed.")
    assert queued == [] and not HappinessReport.objects.exists()


def test_a_stale_plan_posted_without_htmx_shows_the_report_page_with_the_form_open(browser_client, pm, closed_round):
    services.report_actions_set(
        actor=pm, report=closed_round.report, note="Theirs", item_numbers=[], expected_version=1
    )
    response = browser_client.as_user(pm).post(
        f"{BASE}rounds/{closed_round.pk}/actions/", {"note": "mine", "items": "", "actions_version": "1"}
    )
    assertContains(response, "<details open>", status_code=409)
    assertContains(response, 'id="happiness-mean"', status_code=409)


def _row_of_round(page: str, number: int) -> str:
    row = re.search(rf"<tr>\s*<td><a [^>]*>[^<]*round {number}</a></td>(.*?)</tr>", page, re.S)
    assert row, f"no row for round {number}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1))).strip()


def _two_rounds(survey, first, second, capture):
    with capture(execute=True):
        round_one = services.round_open(survey=survey)
    closed_with(round_one, first, capture)
    with capture(execute=True):
        round_two = services.round_open(survey=survey)
    return round_one, closed_with(round_two, second, capture)


def test_the_list_and_the_next_report_give_round_one_the_same_figures(
    browser_client, pm, survey, crowd, django_capture_on_commit_callbacks
):
    # Round 1: two promoters, two detractors, two passives: an NPS of exactly 0
    # (the list showed it as "–" while round 2's report said 0.0).
    round_one, report_two = _two_rounds(
        survey,
        [(3, 10), (3, 9), (3, 0), (3, 6), (3, 8), (3, 7)],
        [(4, 10), (4, 10), (4, 9), (4, 9), (4, 0), (4, 8), (4, 8), (4, 7)],
        django_capture_on_commit_callbacks,
    )
    client = browser_client.as_user(pm)
    listed = _row_of_round(client.get(BASE).content.decode(), 1)
    assert listed.endswith("3 0"), listed  # happiness 3, NPS 0
    report = client.get(f"{BASE}rounds/{report_two.round_id}/").content.decode()
    changes = {
        cells[0]: cells[1:]
        for cells in (
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr><td>.*?</tr>", report.split('id="changes-heading"')[1].split("</table>")[0])
        )
    }
    # 4 promoters, 1 detractor of 8: 37.5, up 37.5 from round 1's 0.
    assert changes["Net promoter score"][:2] == ["0", "37.5"]
    assert changes["Net promoter score"][2].startswith("▲ 37.5 ")
    assert changes["Happiness (mean of 1–5)"][:2] == ["3", "4"]
    assert _row_of_round(client.get(BASE).content.decode(), 2).endswith("4 37.5")


def test_a_round_with_too_few_answers_says_so_in_the_list_and_is_not_compared(
    browser_client, pm, survey, crowd, django_capture_on_commit_callbacks
):
    round_one, report_two = _two_rounds(
        survey, [(1, 0), (1, 0), (5, 10)], [(4, 10)] * 5, django_capture_on_commit_callbacks
    )
    client = browser_client.as_user(pm)
    assert _row_of_round(client.get(BASE).content.decode(), 1).endswith("too few answers to show")
    report = client.get(f"{BASE}rounds/{report_two.round_id}/")
    assertContains(report, "Change since round 1")
    assertNotContains(report, "<td>Net promoter score</td>", html=True)
