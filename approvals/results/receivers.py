"""The results app reacts to the approvals app's status changes (it is never imported by it).

Both receivers run inside the transaction that moved the status: a grant is published, and a
revocation reaches the certificates and the public record, or neither happens.
"""

from django.dispatch import receiver

from approvals.models import Application
from approvals.signals import application_status_changed
from approvals.workflow import ApplicationStatus


@receiver(application_status_changed, sender=Application, dispatch_uid="results-on-status-change")
def on_application_status_changed(sender, application, old, new, actor, reason, **kwargs):
    from . import services

    if new == ApplicationStatus.GRANTED:
        services.publish_on_grant(application)
    elif new == ApplicationStatus.REVOKED:
        services.revoke_on_revocation(application, reason=reason or "")
