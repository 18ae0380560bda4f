"""The item page runs the same number of queries however much hangs off the
item: comments (by the viewer and others, edited), labels, criteria,
blockers, related items, attachments, requests, sprints, hypotheses, wrong
assumptions followed up, model versions with gate results, history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django.asserts import assertContains

from apps.accounts.models import Role
from apps.backlog import services
from apps.conversation import services as conversation
from apps.conversation.subjects import subject_named
from apps.hypotheses.models import Assumption, GateResult, HypothesisItem
from tests.factories import (
    AcceptanceCriterionFactory,
    BacklogItemFactory,
    BlockerFactory,
    HypothesisFactory,
    LabelFactory,
    MembershipFactory,
    ModelVersionFactory,
    ReleaseGateFactory,
    SprintFactory,
    SprintItemFactory,
    StakeholderRequestFactory,
)
from tests.utils import queries_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def grow(item, pm, member, n: int) -> None:
    product = item.product
    items = subject_named("items")
    for k in range(n):
        author = MembershipFactory(product=product, role=Role.TEAM_MEMBER).user if k % 3 else pm
        comment = conversation.comment_add(
            actor=author, product=product, subject=items, target=item, body=f"**comment {k}** @{member.username}"
        )
        if k % 4 == 0:
            conversation.comment_edit(
                actor=author, comment=comment, subject=items, target=item, body=f"edited {k}", expected_version=1
            )
        label = LabelFactory(product=product)
        item.labels.add(label)
        AcceptanceCriterionFactory(item=item)
        BlockerFactory(item=item, created_by=pm)
        other = BacklogItemFactory(product=product)
        services.relation_add(actor=pm, item=item, relation="relates", other=other)
        services.attachments_add(
            actor=pm, item=item, files=[SimpleUploadedFile(f"p{k}.png", PNG, "application/octet-stream")]
        )
        StakeholderRequestFactory(product=product, backlog_item=item, status="accepted")
        SprintItemFactory(sprint=SprintFactory(product=product), item=item, outcome="carried_over")
        hypothesis = HypothesisFactory(product=product)
        HypothesisItem.objects.create(hypothesis=hypothesis, item=item, created_by=pm)
        assumption = Assumption.objects.create(
            product=product, hypothesis=hypothesis, text=f"a{k}", category="data", status="wrong"
        )
        assumption.follow_up_items.add(item)
        version = ModelVersionFactory(item=item, registered_by=pm)
        gate = ReleaseGateFactory(product=product)
        GateResult.objects.create(
            model_version=version, gate=gate, result="pass", recorded_by=pm, recorded_at=timezone.now()
        )
    item.refresh_from_db()
    for version in range(item.version, item.version + n):
        services.item_update(actor=pm, item=item, expected_version=version, story_points=version, assignee=member)


@pytest.mark.parametrize("viewer", ["pm", "member"])
def test_item_page_queries_do_not_grow_with_what_hangs_off_the_item(
    browser_client, pm, member, product, make_item, viewer, django_assert_num_queries
):
    item = make_item(title="Churn model", acceptance_criteria=["a"])
    client = browser_client.as_user({"pm": pm, "member": member}[viewer])
    url = f"/p/{product.slug}/backlog/items/{item.number}/"
    grow(item, pm, member, 1)
    few = queries_of(lambda: client.get(url))
    grow(item, pm, member, 12)
    with django_assert_num_queries(few):
        response = client.get(url)
    assertContains(response, "comment 11")
    assertContains(response, "edited 8")
