"""The backlog item page names the item's sprints and the assumption it follows up."""

from apps.hypotheses import services as assumptions
from apps.sprints import services
from apps.sprints.models import Sprint


def test_item_page_links_its_sprints_and_the_wrong_assumption(
    browser_client, scrum_master, member, product, make_item, make_sprint
):
    sprint = services.sprint_start(
        actor=scrum_master, sprint=make_sprint(product, "Churn", days=28, kind=Sprint.Kind.STAGED)
    )
    item = make_item(product, "Profile data", 3, status="ready")
    services.sprint_item_add(actor=scrum_master, sprint=sprint, item=item)
    wrong = assumptions.assumption_record(actor=member, sprint=sprint, text="Labels are clean", category="data_quality")
    assumptions.assumption_mark_wrong(
        actor=scrum_master, assumption=wrong, note="Noisy", follow_ups=[{"title": "Relabel"}], place="sprint"
    )
    client = browser_client.as_user(member)
    page = client.get(f"/p/recommender/backlog/items/{item.number}/").content.decode()
    assert f'Planned in sprint <a href="/p/recommender/sprints/{sprint.pk}/">Churn</a>' in page
    follow_up = wrong.follow_up_items.get()
    page = client.get(f"/p/recommender/backlog/items/{follow_up.number}/").content.decode()
    assert "Follow-up of a wrong assumption: “Labels are clean”" in page
