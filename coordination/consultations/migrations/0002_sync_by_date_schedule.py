"""Schedule the daily opening/closing of consultations in Celery beat (editable in admin).

It runs at 00:05 Beijing time, so a consultation opens and closes with the calendar day; the
services and pages also apply the dates themselves, so nothing depends on the task having run.
"""

from django.db import migrations

TASK_NAME = "consultations: open and close by date"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "consultations.sync_by_date",
            "crontab": crontab,
            "description": "Open scheduled consultations on their opening day; close open ones after their last day.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
