from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0002_linkage_steward"),
    ]

    operations = [
        migrations.AddField(
            model_name="returncandidate",
            name="agreement",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
