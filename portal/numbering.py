"""`next_number(prefix)`: the next human number for a prefix, unique under concurrency.

Numbers are allocated inside the caller's transaction with a row lock on the prefix's counter,
so two applications submitted at the same moment never share a number, and a rolled-back
transaction gives its number back.
"""

from django.db import IntegrityError, transaction

from portal.models import NumberSequence


def next_number(prefix: str, *, width: int = 6) -> str:
    with transaction.atomic():
        counter = NumberSequence.objects.select_for_update().filter(key=prefix).first()
        if counter is None:
            try:
                with transaction.atomic():  # savepoint: another transaction may create it first
                    counter = NumberSequence.objects.create(key=prefix)
            except IntegrityError:
                pass
            counter = NumberSequence.objects.select_for_update().get(key=prefix)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"{prefix}-{counter.last:0{width}d}"
