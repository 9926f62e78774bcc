"""Personal data encrypted at rest (portal/pii.py): an intermediary's contact phone.

The column becomes text, the plaintext already stored is replaced by its Fernet token and the
blind index filled (reversible: backwards decrypts), then the field becomes encrypted.
"""

from django.db import migrations, models

import portal.pii


class Migration(migrations.Migration):
    dependencies = [
        ("intermediaries", "0002_qualifications_daily_schedule"),
    ]

    operations = [
        migrations.AlterField(
            model_name="intermediary",
            name="contact_phone",
            field=models.TextField(verbose_name="contact phone"),
        ),
        migrations.AddField(
            model_name="intermediary",
            name="contact_phone_hash",
            field=portal.pii.BlindIndexField(source="contact_phone", purpose="intermediary.contact_phone"),
        ),
        migrations.RunPython(
            *portal.pii.migrate_encrypt(
                "intermediaries",
                "intermediary",
                [("contact_phone", "contact_phone_hash", "phone", "intermediary.contact_phone")],
            )
        ),
        migrations.AlterField(
            model_name="intermediary",
            name="contact_phone",
            field=portal.pii.EncryptedCharField(verbose_name="contact phone", kind="phone", max_length=20),
        ),
    ]
