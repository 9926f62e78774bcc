"""The notification pages: list scoped to the user, mark read, the bell badge, preferences."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.notifications.models import Channel, ChannelPreference, Notification
from portal.notifications.services import notify
from tests.factories import UserFactory


def make(user, n, prefix="event"):
    for i in range(n):
        notify(
            recipients=[user],
            kind="generic",
            context={"title": f"Message {prefix} {i}", "text": "Body"},
            key=f"{prefix}-{i}",
            url=f"/cases/{i}/",
        )


@pytest.fixture
def me(client, person):
    client.force_login(person)
    return person


@pytest.fixture
def other(db):
    return UserFactory(email="other@example.gov.cn", language="en")


def test_list_shows_only_my_notifications(client, me, other):
    make(me, 2, "mine")
    make(other, 1, "theirs")
    response = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Message mine 0" in html and "Message mine 1" in html
    assert "Message theirs" not in html


def test_list_needs_a_login(client, db):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_is_paginated_and_its_queries_do_not_grow_with_the_data(client, me, django_assert_num_queries):
    make(me, 3)
    url = reverse("notifications:list")
    client.get(url)  # warm up (session, content types)
    with django_assert_num_queries(5) as few:
        client.get(url)
    make(me, 30, "more")
    with django_assert_num_queries(len(few.captured_queries)):
        page1 = client.get(url).content.decode()
    assert len(re.findall(r'id="notification-\d+"', page1)) == 20
    page2 = client.get(url + "?page=2").content.decode()
    assert len(re.findall(r'id="notification-\d+"', page2)) == 13


def test_mark_read(client, me):
    make(me, 1)
    notification = Notification.objects.get(recipient=me)
    url = reverse("notifications:read", args=[notification.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_then_go_to_the_link(client, me):
    make(me, 1)
    notification = Notification.objects.get(recipient=me)
    url = reverse("notifications:read", args=[notification.pk])
    assert client.post(url, {"next": "/cases/0/"})["Location"] == "/cases/0/"
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == reverse("notifications:list")


def test_another_users_notification_answers_404_and_stays_unread(client, me, other):
    make(other, 1)
    theirs = Notification.objects.get(recipient=other)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_only_touches_mine(client, me, other):
    make(me, 3)
    make(other, 2)
    response = client.post(reverse("notifications:read-all"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 2


def test_badge_counts_my_unread_notifications(client, me, other, django_assert_max_num_queries):
    url = reverse("notifications:badge")
    assert client.get(url).content.decode().strip() == ""  # nothing unread: no badge
    make(me, 3)
    make(other, 5)
    read = Notification.objects.filter(recipient=me).first()
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    with django_assert_max_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert re.search(r'data-unread="2">2<', response.content.decode())


def test_badge_shows_99_plus(client, me):
    make(me, 100)
    assert ">99+<" in client.get(reverse("notifications:badge")).content.decode()


def test_badge_for_an_ended_session_is_empty(client, db):
    response = client.get(reverse("notifications:badge"))
    assert response.status_code == 204 and response.content == b""


def test_the_navbar_has_the_bell_and_the_preferences_link(client, me):
    html = client.get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in html
    assert 'hx-trigger="load, every 60s"' in html
    assert f'href="{reverse("notifications:list")}"' in html
    assert f'href="{reverse("notifications:preferences")}"' in html
    assert "<script>" not in html  # no inline scripts


def test_no_bell_for_anonymous_visitors(client, db):
    html = client.get(reverse("login")).content.decode()
    assert reverse("notifications:badge") not in html


def test_preferences_page_shows_the_current_choices(client, me):
    html = client.get(reverse("notifications:preferences"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'name="email" id="id_email" checked', html)
    assert re.search(r'name="sms" id="id_sms" checked', html)  # has a phone


def test_preferences_are_saved_and_used(client, me):
    response = client.post(reverse("notifications:preferences"), {"sms": "on"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="notification_preferences.update")
    assert (event.actor_id, event.object_id) == (me.pk, str(me.pk))
    assert (event.before["email"], event.after["email"]) == (True, False)
    assert dict(ChannelPreference.objects.filter(user=me).values_list("channel", "enabled")) == {
        Channel.EMAIL: False,
        Channel.SMS: True,
    }
    make(me, 1)
    channels = set(Notification.objects.get(recipient=me).deliveries.values_list("channel", flat=True))
    assert channels == {Channel.INAPP, Channel.SMS}


def test_text_messages_need_a_phone_number(client, no_phone):
    client.force_login(no_phone)
    response = client.post(
        reverse("notifications:preferences"), {"email": "on", "sms": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Add a mobile phone number" in response.content.decode()
    assert not ChannelPreference.objects.filter(user=no_phone).exists()


def test_switching_every_optional_channel_off(client, me):
    assert client.post(reverse("notifications:preferences"), {}).status_code == 302
    make(me, 1)
    channels = set(Notification.objects.get(recipient=me).deliveries.values_list("channel", flat=True))
    assert channels == {Channel.INAPP}
