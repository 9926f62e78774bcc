"""Personal data encrypted at rest (portal/pii.py): legal representatives' and key staff's ID numbers.

The column becomes text, the plaintext already stored is replaced by its Fernet token and the
blind index filled (reversible: backwards decrypts), then the field becomes encrypted.
"""

from django.db import migrations, models

import portal.pii


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0002_milestones_daily_schedule"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="partyprofile", name="partyprofile_rep_id"),
        migrations.AlterField(
            model_name="partyprofile",
            name="legal_rep_id_number",
            field=models.TextField(verbose_name="legal representative's ID number", blank=True),
        ),
        migrations.AddField(
            model_name="partyprofile",
            name="legal_rep_id_number_hash",
            field=portal.pii.BlindIndexField(source="legal_rep_id_number", purpose="id_number"),
        ),
        migrations.RunPython(
            *portal.pii.migrate_encrypt(
                "operations",
                "partyprofile",
                [("legal_rep_id_number", "legal_rep_id_number_hash", "id_number", "id_number")],
            )
        ),
        migrations.AlterField(
            model_name="partyprofile",
            name="legal_rep_id_number",
            field=portal.pii.EncryptedCharField(
                verbose_name="legal representative's ID number", blank=True, kind="id_number", max_length=32
            ),
        ),
        migrations.AlterField(
            model_name="keystaff",
            name="id_number",
            field=models.TextField(verbose_name="ID number"),
        ),
        migrations.AddField(
            model_name="keystaff",
            name="id_number_hash",
            field=portal.pii.BlindIndexField(source="id_number", purpose="id_number"),
        ),
        migrations.RunPython(
            *portal.pii.migrate_encrypt(
                "operations", "keystaff", [("id_number", "id_number_hash", "id_number", "id_number")]
            )
        ),
        migrations.AlterField(
            model_name="keystaff",
            name="id_number",
            field=portal.pii.EncryptedCharField(verbose_name="ID number", kind="id_number", max_length=32),
        ),
    ]
