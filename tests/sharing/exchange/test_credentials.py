"""Credentials: shown once, stored as a SHA-256 only, no longer than the agreement, revocable;
issued by the consumer's stewards on the credentials page."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from portal.audit.models import AuditEvent
from portal.errors import Conflict, DomainError
from sharing import services as sharing_services
from sharing.exchange import services
from sharing.exchange.models import AccessLog, ApiCredential

from .conftest import UNTIL, pull

pytestmark = pytest.mark.django_db


def test_issue_stores_only_a_hash(world, agreement):
    credential, token = services.credential_issue(actor=world.consumer, agreement=agreement, label="低保系统")
    prefix, secret = token.split(".")
    assert credential.prefix == prefix and len(secret) >= 43
    assert credential.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiCredential.objects.filter(pk=credential.pk).values().get())
    event = AuditEvent.objects.get(action="credential.issue")
    assert secret not in str(event.after)
    assert credential.expires_on <= agreement.valid_until


def test_expiry_is_capped_by_the_agreement(world, agreement):
    with pytest.raises(DomainError, match="outlive"):
        services.credential_issue(
            actor=world.consumer,
            agreement=agreement,
            label="x",
            expires_on=UNTIL + datetime.timedelta(days=1),
        )
    credential, _token = services.credential_issue(
        actor=world.consumer, agreement=agreement, label="x", expires_on=UNTIL
    )
    assert credential.expires_on == UNTIL


def test_only_consumer_stewards_issue_for_a_live_agreement(world, agreement):
    for user in (world.provider, world.other, world.authority):
        with pytest.raises(PermissionDenied):
            services.credential_issue(actor=user, agreement=agreement, label="x")
    sharing_services.agreement_suspend(actor=world.provider, agreement=agreement, reason="核查")
    with pytest.raises(Conflict):
        services.credential_issue(actor=world.consumer, agreement=agreement, label="x")


def test_revoke(world, agreement):
    credential, _token = services.credential_issue(actor=world.consumer, agreement=agreement, label="x")
    with pytest.raises(DomainError):
        services.credential_revoke(actor=world.provider, credential=credential, reason="")
    with pytest.raises(PermissionDenied):
        services.credential_revoke(actor=world.other, credential=credential, reason="x")
    services.credential_revoke(actor=world.provider, credential=credential, reason="越权使用")
    with pytest.raises(Conflict):
        services.credential_revoke(actor=world.consumer, credential=credential, reason="again")


def test_credential_shown_once_on_the_page(client, world, resource, agreement):
    client.force_login(world.consumer)
    url = f"/data/exchange/agreements/{agreement.uuid}/credentials/"
    response = client.post(url, {"label": "低保系统"})
    assert response.status_code == 200
    token = response.context["token"]
    assert token in response.content.decode()
    assert token not in client.get(url).content.decode()
    client.logout()
    assert pull(client, resource.code, token).status_code == 200
    assert AccessLog.objects.get().outcome == "ok"
    client.force_login(world.other)
    assert client.get(url).status_code == 404
