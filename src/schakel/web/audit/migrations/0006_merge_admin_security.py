from django.db import migrations


class Migration(migrations.Migration):
    """Joins two migrations written in parallel (audit search index, account events)."""

    dependencies = [
        ("audit", "0005_admin_search_index"),
        ("audit", "0005_security_account_events"),
    ]

    operations = []
