"""Personal data encrypted at rest (portal/pii.py): the express delivery phone and certificates' holder codes.

The column becomes text, the plaintext already stored is replaced by its Fernet token and the
blind index filled (reversible: backwards decrypts), then the field becomes encrypted.
"""

from django.db import migrations, models

import portal.pii


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="holder_code",
            field=models.TextField(blank=True, verbose_name="holder's code"),
        ),
        migrations.RunPython(
            *portal.pii.migrate_encrypt("results", "certificate", [("holder_code", None, "id_number", "")])
        ),
        migrations.AlterField(
            model_name="certificate",
            name="holder_code",
            field=portal.pii.EncryptedCharField(
                blank=True,
                help_text="Credit code or ID number.",
                kind="id_number",
                max_length=18,
                verbose_name="holder's code",
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="phone",
            field=models.TextField(verbose_name="phone", blank=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="phone_hash",
            field=portal.pii.BlindIndexField(source="phone", purpose="delivery.phone"),
        ),
        migrations.RunPython(
            *portal.pii.migrate_encrypt(
                "results", "delivery", [("phone", "phone_hash", "phone", "delivery.phone")]
            )
        ),
        migrations.AlterField(
            model_name="delivery",
            name="phone",
            field=portal.pii.EncryptedCharField(
                verbose_name="phone", blank=True, kind="phone", max_length=20
            ),
        ),
    ]
