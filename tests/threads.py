"""Run the same work in several real threads at once (concurrency tests on PostgreSQL)."""

import threading

from django.db import connection


def run_together(work, n: int, *, timeout: float = 60) -> list[Exception]:
    """Start `work(i)` for i in range(n) in n threads released together by a barrier; each
    thread closes its own database connection. Returns the exceptions the threads raised."""
    barrier = threading.Barrier(n)
    errors: list[Exception] = []

    def run(i):
        try:
            barrier.wait(timeout=10)
            work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors
