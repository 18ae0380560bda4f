import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Response (an anonymous survey answer) is renamed SurveyAnswer, so it is
    not mistaken for DRF's Response; the rows move with the table."""

    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="Response", new_name="SurveyAnswer"),
        migrations.AlterField(
            model_name="surveyanswer",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="answers", to="reports.surveyround"
            ),
        ),
    ]
