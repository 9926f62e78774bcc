"""Every read of public consultations that depends on who is asking (DESIGN.md §4.2).

Scopes are applied in SQL; what a user may not see raises Http404. Lists annotate their counts in
the same query, so the number of queries does not grow with the rows.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from . import permissions
from .models import PUBLIC_STATES, Comment, CommentStatus, Consultation, ConsultationStatus

VISIBLE = Q(comments__status=CommentStatus.ACTIVE)


def _with_counts(qs):
    return qs.select_related("owner_unit").annotate(
        comment_count=Count("comments", filter=VISIBLE),
        answered_count=Count("comments", filter=VISIBLE & ~Q(comments__outcome="")),
    )


def public_q(day) -> Q:
    """What the public may see: opened (by status or by date) and not a draft or never-opened."""
    return (
        Q(status__in=[s for s in PUBLIC_STATES if s != ConsultationStatus.SCHEDULED])
        | Q(status=ConsultationStatus.SCHEDULED, opens_on__lte=day)
        | Q(status=ConsultationStatus.WITHDRAWN, opened_at__isnull=False)
    )


def public_list(*, day, state: str = ""):
    """Open, closed and published consultations, newest first; `state` filters by what the dates say."""
    qs = Consultation.objects.filter(public_q(day))
    if state == ConsultationStatus.OPEN:
        qs = qs.filter(
            Q(status__in=[ConsultationStatus.SCHEDULED, ConsultationStatus.OPEN], closes_on__gte=day)
        )
    elif state == ConsultationStatus.CLOSED:
        qs = qs.filter(
            Q(status=ConsultationStatus.CLOSED)
            | Q(status__in=[ConsultationStatus.SCHEDULED, ConsultationStatus.OPEN], closes_on__lt=day)
        )
    elif state == ConsultationStatus.PUBLISHED:
        qs = qs.filter(status=ConsultationStatus.PUBLISHED)
    return _with_counts(qs).order_by("-opens_on", "-id")


def public_get(*, number: str, day) -> Consultation:
    consultation = _with_counts(Consultation.objects.filter(public_q(day), number=number)).first()
    if consultation is None:
        raise Http404
    return consultation


def managed_q(user) -> Q | None:
    ids = permissions.managed_unit_ids(user)
    if ids is None:
        return Q()
    if not ids:
        return None
    return Q(owner_unit_id__in=ids)


def managed_list(*, user, status: str = ""):
    scope = managed_q(user)
    if scope is None:
        return Consultation.objects.none()
    qs = Consultation.objects.filter(scope)
    if status:
        qs = qs.filter(status=status)
    return _with_counts(qs).order_by("-opens_on", "-id")


def managed_get(*, user, number: str) -> Consultation:
    scope = managed_q(user)
    consultation = None
    if scope is not None:
        consultation = _with_counts(Consultation.objects.filter(scope, number=number)).first()
    if consultation is None:
        raise Http404
    return consultation


def documents(consultation):
    return list(consultation.documents.select_related(None).order_by("id"))


def viewable_document(*, user, number: str, pk: int, day):
    """A document of a consultation the public may see, or of one the user manages."""
    consultation = Consultation.objects.filter(number=number).first()
    if consultation is None:
        raise Http404
    public = Consultation.objects.filter(public_q(day), pk=consultation.pk).exists()
    if not public and not permissions.can_manage(user, consultation):
        raise Http404
    document = consultation.documents.filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def comments_for_manager(consultation):
    return list(consultation.comments.select_related("author", "answered_by", "hidden_by").order_by("id"))


def own_comments(*, user, consultation):
    if not (user and user.is_authenticated):
        return []
    return list(consultation.comments.filter(author=user).order_by("id"))


def own_comment(*, user, pk: int) -> Comment:
    comment = Comment.objects.select_related("consultation").filter(pk=pk, author=user).first()
    if comment is None or not getattr(user, "is_authenticated", False):
        raise Http404
    return comment


def managed_comment(*, user, consultation, pk: int) -> Comment:
    comment = consultation.comments.filter(pk=pk).first()
    if comment is None:
        raise Http404
    return comment


def published_comments(consultation):
    """The answered comments shown once the answers are published (hidden and withdrawn ones left out)."""
    if consultation.status != ConsultationStatus.PUBLISHED:
        return []
    return list(consultation.comments.filter(status=CommentStatus.ACTIVE).order_by("id"))


def attachment_comment(*, user, pk: int) -> Comment:
    """A comment's attachment is for its author and the consultation's managers only."""
    comment = Comment.objects.select_related("consultation").filter(pk=pk).exclude(attachment="").first()
    if comment is None:
        raise Http404
    if comment.author_id != getattr(user, "pk", None) and not permissions.can_manage(
        user, comment.consultation
    ):
        raise Http404
    return comment
