from django.db import migrations

ROLE_CODES = [
    "head", "reviewer", "window_clerk", "lead_coordinator", "supervisor", "data_steward",
    "ppp_manager", "office_coordinator", "representative", "intermediary", "evaluator",
]


def seed_roles(apps, schema_editor):
    Role = apps.get_model("coordination", "Role")
    for code in ROLE_CODES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
