from django.db import migrations

from schakel.web.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0001_initial")]
    operations = [append_only("trajectories_trajectoryevent")]
