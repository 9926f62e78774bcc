"""Queue Celery tasks without ever failing the caller (DESIGN.md §4.4).

Work that must not be lost is first written to the database (an outbox row); queueing the task is
only the fast path. When the broker is down, `queue` gives up after one connection attempt —
`apply_async(retry=False)` alone still spends seconds in kombu's reconnect loop per call — and the
periodic sweeps find the rows later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)


def queue(task, calls: Iterable[tuple], **options) -> int:
    """Send `task` once per argument tuple in `calls` (with apply_async `options`, e.g. countdown);
    return how many reached the broker."""
    calls = list(calls)
    if not calls:
        return 0
    done = 0
    try:
        with task.app.pool.acquire(block=True, timeout=5) as connection:
            connection.ensure_connection(max_retries=0)
            for args in calls:
                task.apply_async(args=args, connection=connection, retry=False, **options)
                done += 1
    except Exception as exc:  # noqa: BLE001 - any broker failure: the rows stay for the sweeper
        logger.warning(
            "broker unreachable (%s: %s); %d %s task(s) left for the periodic sweep",
            exc.__class__.__name__,
            exc,
            len(calls) - done,
            task.name,
        )
    return done
