"""Personal data encrypted at rest (portal/pii.py): the SMS sink's phone numbers.

The column becomes text, the plaintext already stored is replaced by its Fernet token and the
blind index filled (reversible: backwards decrypts), then the field becomes encrypted.
"""

from django.db import migrations, models

import portal.pii


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_delivery_claim_token"),
    ]

    operations = [
        migrations.AlterField(
            model_name="smsmessage",
            name="phone",
            field=models.TextField(verbose_name="mobile phone"),
        ),
        migrations.AddField(
            model_name="smsmessage",
            name="phone_hash",
            field=portal.pii.BlindIndexField(source="phone", purpose="phone"),
        ),
        migrations.RunPython(
            *portal.pii.migrate_encrypt(
                "notifications", "smsmessage", [("phone", "phone_hash", "phone", "phone")]
            )
        ),
        migrations.AlterField(
            model_name="smsmessage",
            name="phone",
            field=portal.pii.EncryptedCharField(verbose_name="mobile phone", kind="phone", max_length=20),
        ),
    ]
