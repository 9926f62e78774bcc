"""Objection states and who fires each transition (DOMAIN.md §5, 校核纠错).

SUBMITTED → ACCEPTED → MARKED → VERIFIED → CORRECTED | REJECTED → MARK_REVOKED. The consumer
files; the provider's stewards fire every later step. Each state but the last runs a clock on the
platform ledger (conf.objection_days) for the step that must follow.
"""

from .models import ObjectionState as S

TRANSITIONS = {
    "accept": (S.SUBMITTED, S.ACCEPTED),
    "mark": (S.ACCEPTED, S.MARKED),
    "verify": (S.MARKED, S.VERIFIED),
    "correct": (S.VERIFIED, S.CORRECTED),
    "reject": (S.VERIFIED, S.REJECTED),
    "revoke_mark": ((S.CORRECTED, S.REJECTED), S.MARK_REVOKED),
}


def allowed(action: str, state: str) -> bool:
    if action not in TRANSITIONS:
        return False
    source = TRANSITIONS[action][0]
    return state in source if isinstance(source, tuple) else state == source


def actions_from(state: str) -> list[str]:
    return [a for a in TRANSITIONS if allowed(a, state)]
