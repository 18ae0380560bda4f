from django.urls import path

from apps.hypotheses.views import assumptions, experiments, feasibility, gates, hypotheses, learning

app_name = "hypotheses"

urlpatterns = [
    path("", hypotheses.ledger, name="ledger"),
    path("export.csv", hypotheses.ledger_export, name="ledger-export"),
    path("new/", hypotheses.hypothesis_create, name="create"),
    path("<int:number>/", hypotheses.hypothesis_detail, name="detail"),
    path("<int:number>/edit/", hypotheses.hypothesis_edit, name="edit"),
    path("<int:number>/status/", hypotheses.hypothesis_status, name="status"),
    path("<int:number>/publish/", hypotheses.hypothesis_publish, name="publish"),
    path("<int:number>/test-items/", hypotheses.hypothesis_test_items, name="test-items"),
    path("<int:number>/links/", hypotheses.hypothesis_links, name="links"),
    path("<int:number>/links/<str:kind>/<int:link_number>/remove/", hypotheses.hypothesis_unlink, name="unlink"),
    path("<int:number>/experiments/new/", experiments.experiment_create, name="experiment-create"),
    path("<int:number>/assumptions/", assumptions.hypothesis_assumption_add, name="hypothesis-assumption-add"),
    path("experiments/<int:experiment_id>/", experiments.experiment_detail, name="experiment"),
    path("experiments/<int:experiment_id>/result/", experiments.experiment_result, name="experiment-result"),
    path("learning/", learning.learning_log, name="learning"),
    path("learning/export.csv", learning.learning_csv, name="learning-csv"),
    path("learning/export.md", learning.learning_markdown, name="learning-md"),
    path("feasibility/", feasibility.feasibility_list, name="feasibility-list"),
    path("feasibility/<int:assessment_id>/", feasibility.feasibility_detail, name="feasibility"),
    path("feasibility/<int:assessment_id>/decide/", feasibility.feasibility_decide, name="feasibility-decide"),
    path("gates/", gates.gates, name="gates"),
    path("gates/set-up/", gates.gates_set_up, name="gates-set-up"),
    path("gates/<int:gate_id>/", gates.gate_edit, name="gate-edit"),
    path("gates/<int:gate_id>/remove/", gates.gate_remove, name="gate-remove"),
    path("items/<int:number>/model-versions/", gates.model_version_register, name="model-version-register"),
    path("models/<int:model_version_id>/", gates.model_version_detail, name="model-version"),
    path("models/<int:model_version_id>/gates/<int:gate_id>/", gates.gate_result, name="gate-result"),
    path("models/<int:model_version_id>/sign-off/", gates.model_version_sign_off, name="model-version-sign-off"),
    path("models/<int:model_version_id>/withdraw/", gates.model_version_withdraw, name="model-version-withdraw"),
    # Assumptions (on a sprint, or on a hypothesis above).
    path("sprints/<int:sprint_id>/assumptions/", assumptions.assumption_add, name="assumption-add"),
    path("assumptions/<int:assumption_id>/held/", assumptions.assumption_held, name="assumption-held"),
    path("assumptions/<int:assumption_id>/wrong/", assumptions.assumption_wrong, name="assumption-wrong"),
]
