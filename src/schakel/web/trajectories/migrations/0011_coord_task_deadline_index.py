"""An index on (trajectory, due on) for tasks: the case list's "next deadline" sort and
"overdue" filter look up one entry per trajectory instead of scanning every task."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trajectories", "0010_merge_security_ops"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="trajectorytask",
            index=models.Index(fields=["trajectory", "due_on"], name="task_trajectory_due"),
        ),
    ]
