from django.db import migrations

from schakel.web.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [append_only("audit_auditentry")]
