"""Every write of public consultations: one function per use case (DESIGN.md §4.1).

Each runs in one transaction: lock the consultation row, bring its status in line with the dates
(`_sync_locked`), check permission and state, change, notify (outbox), audit last.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.models import OrgUnit
from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.clocks import services as clocks
from portal.errors import DomainError, TransitionNotAllowed
from portal.models import User
from portal.notifications.services import notify
from portal.numbering import next_number

from . import conf, permissions
from .models import (
    Comment,
    CommentStatus,
    Consultation,
    ConsultationDocument,
    ConsultationStatus,
    Outcome,
    SubjectKind,
)
from .uploads import check_file

register_actions(
    {
        "consultation.create": gettext_lazy("Consultation created"),
        "consultation.update": gettext_lazy("Consultation edited"),
        "consultation.schedule": gettext_lazy("Consultation scheduled for comment"),
        "consultation.open": gettext_lazy("Consultation opened for comment"),
        "consultation.close": gettext_lazy("Consultation closed for comment"),
        "consultation.publish": gettext_lazy("Consultation answers published"),
        "consultation.withdraw": gettext_lazy("Consultation withdrawn"),
        "consultation.document_add": gettext_lazy("Consultation document added"),
        "consultation_comment.create": gettext_lazy("Consultation comment submitted"),
        "consultation_comment.withdraw": gettext_lazy("Consultation comment withdrawn"),
        "consultation_comment.answer": gettext_lazy("Consultation comment answered"),
        "consultation_comment.hide": gettext_lazy("Consultation comment hidden by moderation"),
    }
)

EDITABLE_FIELDS = [
    "title",
    "subject_kind",
    "summary",
    "full_text",
    "opens_on",
    "closes_on",
    "short_period_reason",
]
BEFORE_OPEN = (ConsultationStatus.DRAFT, ConsultationStatus.SCHEDULED)


def today() -> datetime.date:
    """Today in Asia/Shanghai (the clocks' seam, which tests and the demo pin)."""
    return clocks.local_today()


def _snapshot(consultation: Consultation) -> dict:
    data = {name: getattr(consultation, name) for name in [*EDITABLE_FIELDS, "status"]}
    data["owner_unit"] = consultation.owner_unit.code
    return data


def _comment_snapshot(comment: Comment) -> dict:
    return {
        "status": comment.status,
        "stakeholder": comment.stakeholder,
        "section_ref": comment.section_ref,
        "text": comment.text,
        "outcome": comment.outcome,
        "answer": comment.answer,
        "hidden_reason": comment.hidden_reason,
    }


def _lock(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().select_related("owner_unit").get(pk=consultation.pk)


def _require_manager(actor, consultation: Consultation) -> None:
    if not permissions.can_manage(actor, consultation):
        raise PermissionDenied(_("Only officials of the owner unit may manage this consultation."))


def validate_period(*, opens_on, closes_on, short_period_reason: str = "") -> None:
    """Closing after opening; at least conf.MIN_DAYS calendar days (both ends counted) unless a
    reason for a shorter period is recorded (《重大行政决策程序暂行条例》 art. 14)."""
    if opens_on is None or closes_on is None:
        raise DomainError(_("Give the opening and the closing day."), field="closes_on")
    if closes_on <= opens_on:
        raise DomainError(_("The consultation must close after it opens."), field="closes_on")
    days = (closes_on - opens_on).days + 1
    if days < conf.MIN_DAYS and not (short_period_reason or "").strip():
        raise DomainError(
            _(
                "The comment period is %(days)s days; at least %(min)s days are required unless you record "
                "the reason for a shorter period."
            )
            % {"days": days, "min": conf.MIN_DAYS},
            field="short_period_reason",
        )


def _clean(data: dict) -> dict:
    clean = {name: data.get(name) for name in EDITABLE_FIELDS if name in data}
    for name in ("title", "summary", "full_text", "short_period_reason"):
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    if not clean.get("title", "x"):
        raise DomainError(_("Give the consultation a title."), field="title")
    if "subject_kind" in clean and clean["subject_kind"] not in SubjectKind.values:
        raise DomainError(_("Choose what is being consulted on."), field="subject_kind")
    return clean


@transaction.atomic
def consultation_create(*, actor, owner_unit: OrgUnit, data: dict) -> Consultation:
    if not permissions.can_create_for(actor, owner_unit):
        raise PermissionDenied(_("You may only open consultations for your own unit."))
    clean = _clean(data)
    validate_period(
        opens_on=clean.get("opens_on"),
        closes_on=clean.get("closes_on"),
        short_period_reason=clean.get("short_period_reason", ""),
    )
    day = today()
    consultation = Consultation.objects.create(
        number=next_number(f"{conf.NUMBER_PREFIX}{day.year}"),
        owner_unit=owner_unit,
        created_by=actor,
        **clean,
    )
    audit_record(actor=actor, action="consultation.create", obj=consultation, after=_snapshot(consultation))
    return consultation


@transaction.atomic
def consultation_update(*, actor, consultation: Consultation, data: dict) -> Consultation:
    consultation = _lock(consultation)
    _require_manager(actor, consultation)
    _sync_locked(consultation, today())
    if consultation.status not in BEFORE_OPEN:
        raise TransitionNotAllowed(_("A consultation can only be edited before it opens."))
    before = _snapshot(consultation)
    clean = _clean(data)
    for name, value in clean.items():
        setattr(consultation, name, value)
    validate_period(
        opens_on=consultation.opens_on,
        closes_on=consultation.closes_on,
        short_period_reason=consultation.short_period_reason,
    )
    consultation.save()
    after = _snapshot(consultation)
    if after != before:
        audit_record(actor=actor, action="consultation.update", obj=consultation, before=before, after=after)
    return consultation


@transaction.atomic
def document_add(*, actor, consultation: Consultation, title: str, uploaded_file) -> ConsultationDocument:
    consultation = _lock(consultation)
    _require_manager(actor, consultation)
    _sync_locked(consultation, today())
    if consultation.status not in (*BEFORE_OPEN, ConsultationStatus.OPEN):
        raise TransitionNotAllowed(_("Documents can only be added until the consultation closes."))
    name, content_type, size, sha = check_file(uploaded_file)
    document = ConsultationDocument(
        consultation=consultation,
        title=(title or "").strip() or name,
        original_name=name,
        content_type=content_type,
        size=size,
        sha256=sha,
        uploaded_by=actor,
    )
    document.file.save(name, uploaded_file, save=False)
    document.save()
    audit_record(
        actor=actor,
        action="consultation.document_add",
        obj=consultation,
        after={"document": document.title, "file": name, "sha256": sha, "size": size},
    )
    return document


@transaction.atomic
def consultation_schedule(*, actor, consultation: Consultation) -> Consultation:
    """Draft → scheduled: announced; it opens for comment on its opening day (at once if that has come)."""
    consultation = _lock(consultation)
    _require_manager(actor, consultation)
    day = today()
    if consultation.status != ConsultationStatus.DRAFT:
        raise TransitionNotAllowed(_("Only a draft consultation can be scheduled."))
    if consultation.closes_on < day:
        raise DomainError(
            _("The closing day has already passed; change the period first."), field="closes_on"
        )
    validate_period(
        opens_on=consultation.opens_on,
        closes_on=consultation.closes_on,
        short_period_reason=consultation.short_period_reason,
    )
    before = _snapshot(consultation)
    consultation.status = ConsultationStatus.SCHEDULED
    consultation.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="consultation.schedule",
        obj=consultation,
        before=before,
        after=_snapshot(consultation),
    )
    _sync_locked(consultation, day)
    return consultation


@transaction.atomic
def consultation_withdraw(*, actor, consultation: Consultation, reason: str) -> Consultation:
    consultation = _lock(consultation)
    _require_manager(actor, consultation)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for withdrawing the consultation."), field="reason")
    if consultation.status in (ConsultationStatus.PUBLISHED, ConsultationStatus.WITHDRAWN):
        raise TransitionNotAllowed(_("This consultation can no longer be withdrawn."))
    before = _snapshot(consultation)
    consultation.status = ConsultationStatus.WITHDRAWN
    consultation.withdrawn_reason = reason
    consultation.save(update_fields=["status", "withdrawn_reason"])
    audit_record(
        actor=actor,
        action="consultation.withdraw",
        obj=consultation,
        before=before,
        after=_snapshot(consultation),
        reason=reason,
    )
    return consultation


# -- opening and closing by date -------------------------------------------------------------------------


def _unit_officials(unit_id):
    return User.objects.filter(positions__unit_id=unit_id, positions__active=True, is_active=True).distinct()


def _sync_locked(consultation: Consultation, day: datetime.date) -> bool:
    """Move a locked consultation to the status its dates say (scheduled → open → closed).
    Returns whether anything changed. Called by every service and by the daily task."""
    changed = False
    if consultation.status == ConsultationStatus.SCHEDULED and day >= consultation.opens_on:
        consultation.status = ConsultationStatus.OPEN
        consultation.opened_at = timezone.now()
        consultation.save(update_fields=["status", "opened_at"])
        audit_record(
            actor=None,
            action="consultation.open",
            obj=consultation,
            after={"status": consultation.status, "opens_on": consultation.opens_on},
        )
        changed = True
    if consultation.status == ConsultationStatus.OPEN and day > consultation.closes_on:
        consultation.status = ConsultationStatus.CLOSED
        consultation.closed_at = timezone.now()
        consultation.save(update_fields=["status", "closed_at"])
        to_answer = consultation.comments.filter(status=CommentStatus.ACTIVE).count()
        notify(
            recipients=_unit_officials(consultation.owner_unit_id),
            kind="consultation_closed",
            context={
                "number": consultation.number,
                "title": consultation.title,
                "closes_on": consultation.closes_on,
                "count": to_answer,
            },
            key=f"consultation-closed:{consultation.pk}",
            url=consultation.get_manage_url(),
            subject=consultation,
        )
        audit_record(
            actor=None,
            action="consultation.close",
            obj=consultation,
            after={"status": consultation.status, "closes_on": consultation.closes_on, "comments": to_answer},
        )
        changed = True
    return changed


def consultation_sync(*, consultation_id: int, today_: datetime.date | None = None) -> bool:
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
        if consultation is None:
            return False
        return _sync_locked(consultation, today_ or today())


def consultations_sync(*, today_: datetime.date | None = None) -> dict:
    """Open the scheduled consultations whose day has come and close the open ones whose last day
    has passed. Idempotent: a second run finds nothing to do. One transaction per consultation."""
    day = today_ or today()
    from django.db.models import Q

    due = Consultation.objects.filter(
        Q(status=ConsultationStatus.SCHEDULED, opens_on__lte=day)
        | Q(status=ConsultationStatus.OPEN, closes_on__lt=day)
    ).values_list("pk", flat=True)
    changed = sum(consultation_sync(consultation_id=pk, today_=day) for pk in list(due))
    return {"changed": changed}


# -- comments ---------------------------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    actor,
    consultation: Consultation,
    text: str,
    section_ref: str = "",
    show_name: bool = False,
    attachment=None,
) -> Comment:
    identity = permissions.stakeholder_of(actor)
    if identity is None:
        raise PermissionDenied(
            _("Only registered citizens, enterprises and organisations' representatives comment.")
        )
    consultation = _lock(consultation)
    day = today()
    _sync_locked(consultation, day)
    if not consultation.accepts_comments(day):
        raise TransitionNotAllowed(_("This consultation is not open for comment."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your comment."), field="text")
    if len(text) > conf.COMMENT_MAX_LENGTH:
        raise DomainError(
            _("A comment may have at most %(max)s characters.") % {"max": conf.COMMENT_MAX_LENGTH},
            field="text",
        )
    stakeholder, organisation = identity
    comment = Comment(
        consultation=consultation,
        author=actor,
        stakeholder=stakeholder,
        author_name=actor.get_full_name(),
        organisation_name=organisation,
        show_name=bool(show_name),
        section_ref=(section_ref or "").strip()[:100],
        text=text,
    )
    if attachment:
        name, content_type, _size, _sha = check_file(attachment, field="attachment")
        comment.attachment_name, comment.attachment_type = name, content_type
        comment.attachment.save(name, attachment, save=False)
    comment.save()
    audit_record(
        actor=actor, action="consultation_comment.create", obj=comment, after=_comment_snapshot(comment)
    )
    return comment


def _lock_comment(comment: Comment) -> tuple[Consultation, Comment]:
    consultation = _lock(comment.consultation)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    return consultation, comment


@transaction.atomic
def comment_withdraw(*, actor, comment: Comment) -> Comment:
    consultation, comment = _lock_comment(comment)
    if comment.author_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the commenter may withdraw a comment."))
    day = today()
    _sync_locked(consultation, day)
    if not consultation.accepts_comments(day):
        raise TransitionNotAllowed(_("Comments can only be withdrawn while the consultation is open."))
    if comment.status != CommentStatus.ACTIVE:
        raise TransitionNotAllowed(_("This comment can no longer be withdrawn."))
    before = _comment_snapshot(comment)
    comment.status = CommentStatus.WITHDRAWN
    comment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="consultation_comment.withdraw",
        obj=comment,
        before=before,
        after=_comment_snapshot(comment),
    )
    return comment


@transaction.atomic
def comment_answer(*, actor, comment: Comment, outcome: str, answer: str) -> Comment:
    consultation, comment = _lock_comment(comment)
    _require_manager(actor, consultation)
    _sync_locked(consultation, today())
    if consultation.status not in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED):
        raise TransitionNotAllowed(_("Comments can only be answered until the answers are published."))
    if comment.status != CommentStatus.ACTIVE:
        raise TransitionNotAllowed(_("Withdrawn or hidden comments are not answered."))
    if outcome not in Outcome.values:
        raise DomainError(_("Choose the outcome of the comment."), field="outcome")
    answer = (answer or "").strip()
    if not answer:
        if outcome == Outcome.NOT_ADOPTED:
            raise DomainError(_("Give the reason why the comment is not adopted."), field="answer")
        raise DomainError(_("Write the answer to the comment."), field="answer")
    before = _comment_snapshot(comment)
    comment.outcome, comment.answer = outcome, answer
    comment.answered_by, comment.answered_at = actor, timezone.now()
    comment.save(update_fields=["outcome", "answer", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action="consultation_comment.answer",
        obj=comment,
        before=before,
        after=_comment_snapshot(comment),
    )
    return comment


@transaction.atomic
def comment_hide(*, actor, comment: Comment, reason: str) -> Comment:
    """Moderation: hide an abusive comment. It leaves publication and statistics but stays in the
    audit trail; the commenter is told why."""
    consultation, comment = _lock_comment(comment)
    _require_manager(actor, consultation)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Record the reason for hiding the comment."), field="reason")
    if comment.status != CommentStatus.ACTIVE:
        raise TransitionNotAllowed(_("Only a submitted comment can be hidden."))
    before = _comment_snapshot(comment)
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason, comment.hidden_by, comment.hidden_at = reason, actor, timezone.now()
    comment.save(update_fields=["status", "hidden_reason", "hidden_by", "hidden_at"])
    notify(
        recipients=[comment.author],
        kind="consultation_comment_hidden",
        context={"number": consultation.number, "title": consultation.title, "reason": reason},
        key=f"consultation-comment-hidden:{comment.pk}",
        url=consultation.get_absolute_url(),
        subject=consultation,
    )
    audit_record(
        actor=actor,
        action="consultation_comment.hide",
        obj=comment,
        before=before,
        after=_comment_snapshot(comment),
        reason=reason,
    )
    return comment


@transaction.atomic
def consultation_publish(*, actor, consultation: Consultation, summary: str) -> Consultation:
    """Closed → published: every visible comment answered, with the statement on the adoption of
    comments (征求意见采纳情况说明); every commenter is told."""
    consultation = _lock(consultation)
    _require_manager(actor, consultation)
    _sync_locked(consultation, today())
    if consultation.status != ConsultationStatus.CLOSED:
        raise TransitionNotAllowed(_("Answers can only be published once the consultation has closed."))
    summary = (summary or "").strip()
    if not summary:
        raise DomainError(_("Write the statement on the adoption of comments."), field="summary")
    # Lock the comments too: nobody answers or hides one while we check them.
    comments = list(Comment.objects.select_for_update().filter(consultation=consultation).order_by("id"))
    unanswered = [c for c in comments if c.status == CommentStatus.ACTIVE and not c.outcome]
    if unanswered:
        raise DomainError(
            _("%(count)s comment(s) still need an answer before the answers can be published.")
            % {"count": len(unanswered)},
            field="summary",
        )
    before = _snapshot(consultation)
    consultation.status = ConsultationStatus.PUBLISHED
    consultation.answers_summary = summary
    consultation.published_at = timezone.now()
    consultation.save(update_fields=["status", "answers_summary", "published_at"])
    commenters = {c.author_id for c in comments if c.status == CommentStatus.ACTIVE}
    notify(
        recipients=User.objects.filter(pk__in=commenters),
        kind="consultation_answers_published",
        context={"number": consultation.number, "title": consultation.title},
        key=f"consultation-published:{consultation.pk}",
        url=consultation.get_absolute_url(),
        subject=consultation,
    )
    after = _snapshot(consultation)
    after["answers_summary"] = summary
    audit_record(actor=actor, action="consultation.publish", obj=consultation, before=before, after=after)
    return consultation
