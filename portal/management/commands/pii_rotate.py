"""Re-encrypt personal data with the first of PII_ENCRYPTION_KEYS; with --rehash, recompute the
blind indexes with the current PII_HASH_KEY.

Idempotent and resumable: a value the first key already decrypts is left alone (and counted as
current), so running it again after an interruption only does what is left. Rows are locked and
rewritten batch by batch, each batch in its own transaction. The procedure is in docs/security.md.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast

from portal import pii


class Command(BaseCommand):
    help = "Re-encrypt personal data with the first PII_ENCRYPTION_KEYS key; --rehash: redo blind indexes."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--rehash",
            action="store_true",
            help="Also recompute every blind index from the decrypted value (after changing PII_HASH_KEY).",
        )

    def handle(self, *args, batch_size: int, rehash: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        totals = {"rotated": 0, "current": 0, "rehashed": 0}
        for model in apps.get_models():
            fields = pii.encrypted_fields(model)
            if not fields:
                continue
            counts = self._model(model, fields, batch_size=batch_size, rehash=rehash)
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(
                f"{model._meta.label}: {counts['rotated']} re-encrypted, {counts['current']} already current"
                + (f", {counts['rehashed']} blind indexes recomputed" if rehash else "")
            )
        for model in apps.get_models():
            for field in pii.encrypted_json_fields(model):
                rows = self._json_field(model, field, batch_size=batch_size)
                totals["rotated"] += rows
                self.stdout.write(f"{model._meta.label}.{field.name}: {rows} rows re-sealed")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {totals['rotated']} values re-encrypted, {totals['current']} already current"
                + (f", {totals['rehashed']} blind indexes recomputed." if rehash else ".")
            )
        )

    def _json_field(self, model, field, *, batch_size: int) -> int:
        """Re-seal a JSON field's ID and phone numbers with the first key, batch by batch (reading
        opens them with any key; saving seals them with the first). Safe to run again."""
        done, last_pk = 0, None
        while True:
            with transaction.atomic():
                queryset = model._default_manager.select_for_update().order_by("pk").only("pk", field.attname)
                if last_pk is not None:
                    queryset = queryset.filter(pk__gt=last_pk)
                rows = list(queryset[:batch_size])
                if not rows:
                    return done
                model._default_manager.bulk_update(rows, [field.attname])
            done += len(rows)
            last_pk = rows[-1].pk

    def _model(self, model, fields, *, batch_size: int, rehash: bool) -> dict[str, int]:
        counts = {"rotated": 0, "current": 0, "rehashed": 0}
        indexes = pii.blind_index_fields(model) if rehash else []
        primary = pii.primary_fernet()
        last_pk = None
        while True:
            with transaction.atomic():
                queryset = model._default_manager.order_by("pk").select_for_update()
                if last_pk is not None:
                    queryset = queryset.filter(pk__gt=last_pk)
                # The raw tokens (a cast skips the field's decryption) beside the model instances.
                raws = {f"_raw_{f.attname}": Cast(F(f.attname), output_field=TextField()) for f in fields}
                rows = list(queryset.annotate(**raws)[:batch_size])
                if not rows:
                    return counts
                last_pk = rows[-1].pk
                changed, names = [], set()
                for row in rows:
                    dirty = False
                    for field in fields:
                        token = getattr(row, f"_raw_{field.attname}") or ""
                        if not token:
                            continue
                        try:
                            primary.decrypt(token.encode())
                        except InvalidToken:
                            setattr(
                                row,
                                field.attname,
                                pii.Ciphertext(pii.fernet().rotate(token.encode()).decode()),
                            )
                            names.add(field.attname)
                            counts["rotated"] += 1
                            dirty = True
                        else:
                            counts["current"] += 1
                    for index in indexes:
                        value = index.compute(row)
                        if value != getattr(row, index.attname):
                            setattr(row, index.attname, value)
                            names.add(index.attname)
                            counts["rehashed"] += 1
                            dirty = True
                    if dirty:
                        changed.append(row)
                if changed:
                    model._default_manager.bulk_update(changed, sorted(names))
