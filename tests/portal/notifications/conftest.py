import pytest

from tests.factories import UserFactory
from tests.portal.notifications.helpers import FilesystemQueue, use_broker


@pytest.fixture(autouse=True)
def broker_queue(tmp_path):
    """Every test gets its own filesystem broker: dispatched tasks land here, not in var/broker."""
    queue = FilesystemQueue(tmp_path / "broker")
    with use_broker("filesystem://", queue.options):
        yield queue


@pytest.fixture(autouse=True)
def notification_settings(settings):
    settings.ROOT_URLCONF = "tests.portal.notifications.urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast_retries(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATIONS_RETRY_FACTOR = 3
    settings.NOTIFICATIONS_RETRY_CAP_SECONDS = 100
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3


@pytest.fixture
def person(db):
    """Has an e-mail address and a phone: in-app, e-mail and SMS by default."""
    return UserFactory(email="person@example.gov.cn", phone="13800000001", language="en")


@pytest.fixture
def no_phone(db):
    return UserFactory(email="nophone@example.gov.cn", phone="", language="zh-hans")
