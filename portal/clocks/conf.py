"""Settings of the clocks app, with their defaults and legal basis."""

from decimal import Decimal

from django.conf import settings

# DOMAIN.md §3 (electronic supervision, [local]): yellow when the working days left are at most
# max(2, ceil(20% × limit)). Cities configure their own numbers; each clock may override them.
YELLOW_MIN_DAYS = int(getattr(settings, "CLOCK_YELLOW_MIN_DAYS", 2))
YELLOW_RATIO = Decimal(str(getattr(settings, "CLOCK_YELLOW_RATIO", "0.20")))
# How many clocks one sweep or recomputation transaction handles.
BATCH_SIZE = int(getattr(settings, "CLOCK_BATCH_SIZE", 500))
# How many changing clocks one sweep or recomputation transaction writes (locks, saves, audits).
# The audit chain's lock is held until that transaction commits (a red clock's supervision notice
# is audited mid-batch), so every other audited write in the city waits up to one batch: at about
# 30 ms per red clock on a first sweep, 25 clocks hold it under a second; bigger batches save
# commits but stall the officials' work at 08:30.
WRITE_BATCH_SIZE = int(getattr(settings, "CLOCK_WRITE_BATCH_SIZE", 25))
# How many changes a deadline digest lists; the rest are on the digest's page.
DIGEST_LIST_LIMIT = int(getattr(settings, "CLOCK_DIGEST_LIST_LIMIT", 20))
