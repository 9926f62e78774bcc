"""Personal data encrypted at rest (portal/pii.py): users' resident ID numbers and mobile phones.

The column becomes text, the plaintext already stored is replaced by its Fernet token and the
blind index filled (reversible: backwards decrypts), then the field becomes encrypted.
"""

from django.db import migrations, models

import portal.pii
import portal.validators


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_applicant_organisation"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="user", name="user_id_number_unique"),
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=models.TextField(verbose_name="resident ID number", blank=True),
        ),
        migrations.AddField(
            model_name="user",
            name="id_number_hash",
            field=portal.pii.BlindIndexField(source="id_number", purpose="id_number"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=models.TextField(verbose_name="mobile phone", blank=True),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_hash",
            field=portal.pii.BlindIndexField(source="phone", purpose="phone"),
        ),
        migrations.RunPython(
            *portal.pii.migrate_encrypt(
                "portal",
                "user",
                [
                    ("id_number", "id_number_hash", "id_number", "id_number"),
                    ("phone", "phone_hash", "phone", "phone"),
                ],
            )
        ),
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=portal.pii.EncryptedCharField(
                verbose_name="resident ID number",
                blank=True,
                kind="id_number",
                max_length=18,
                help_text="Citizens only: 18 characters, GB 11643 check character.",
                validators=[portal.validators.validate_id_number],
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=portal.pii.EncryptedCharField(
                verbose_name="mobile phone", blank=True, kind="phone", max_length=20
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_hash", ""), _negated=True),
                fields=("id_number_hash",),
                name="user_id_number_unique",
                violation_error_message="An account with this ID number already exists.",
            ),
        ),
    ]
