"""The scientific side of the work. Assumptions first; hypotheses, experiments
and release gates join them here (an assumption can then belong to a
hypothesis as well as, or instead of, a sprint)."""

from django.conf import settings
from django.db import models


class Assumption(models.Model):
    """Something the team takes for granted when planning; checked during the
    sprint. A wrong one spawns follow-up backlog items, so its cost shows."""

    class Category(models.TextChoices):
        DATA_AVAILABILITY = "data_availability", "Data availability"
        DATA_QUALITY = "data_quality", "Data quality"
        EFFORT = "effort", "Effort"
        MODEL_PERFORMANCE = "model_performance", "Model performance"
        ACCESS_APPROVAL = "access_approval", "Access / approval"

    class Status(models.TextChoices):
        OPEN = "open", "Not checked yet"
        HELD = "held", "Held"
        WRONG = "wrong", "Wrong"

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="assumptions")
    sprint = models.ForeignKey(
        "sprints.Sprint", on_delete=models.CASCADE, null=True, blank=True, related_name="assumptions"
    )
    text = models.CharField(max_length=500)
    category = models.CharField(max_length=30, choices=Category.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What turned out: the evidence it held, or what was really the case.
    outcome_note = models.TextField(blank=True)
    follow_up_items = models.ManyToManyField("backlog.BacklogItem", related_name="spawned_by_assumptions", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "created_at", "id"]
        indexes = [models.Index(fields=["sprint", "status"])]

    def __str__(self):
        return self.text
