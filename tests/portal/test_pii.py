"""Personal data at rest (issue 10, PIPL): ID numbers and phones encrypted, found by blind index,
rotated with `pii_rotate`, masked by default and shown in full only on request, audited."""

from __future__ import annotations

import threading

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from operations.models import PartyProfile
from portal import pii
from portal.audit.models import AuditEvent
from portal.models import User, UserKind
from portal.notifications.models import SmsMessage
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
PHONE = "13800138000"


def _raw(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def _citizen(**fields):
    return UserFactory(kind=UserKind.CITIZEN, **fields)


# -- at rest ------------------------------------------------------------------------------------------


def test_the_database_holds_no_plaintext_and_the_orm_reads_it_back():
    user = _citizen(id_number=ID.lower() + " ", phone=f" {PHONE}")
    unit = OrgUnitFactory()
    profile = PartyProfile.objects.create(unit=unit, legal_rep_name="王五", legal_rep_id_number=ID)
    sms = SmsMessage.objects.create(phone=PHONE, text="hello", idempotency_key="k" * 64)
    rows = [
        ("portal_user", "id_number", user.pk, ID),
        ("portal_user", "phone", user.pk, PHONE),
        (PartyProfile._meta.db_table, "legal_rep_id_number", profile.pk, ID),
        (SmsMessage._meta.db_table, "phone", sms.pk, PHONE),
    ]
    for table, column, pk, plain in rows:
        stored = _raw(table, column, pk)
        assert stored.startswith(pii.TOKEN_PREFIX), (table, column)
        assert plain not in stored and plain[-6:] not in stored
    user = User.objects.get(pk=user.pk)
    assert (user.id_number, user.phone) == (ID, PHONE)  # normalised: stripped, upper-cased
    assert PartyProfile.objects.get(pk=profile.pk).legal_rep_id_number == ID
    assert SmsMessage.objects.get(pk=sms.pk).phone == PHONE
    # Two encryptions of one value differ (random IV): the ciphertext reveals no equality.
    other = _citizen(phone=PHONE)
    assert _raw("portal_user", "phone", other.pk) != _raw("portal_user", "phone", user.pk)


def test_blank_stays_blank_and_value_lookups_are_refused():
    user = _citizen(id_number="", phone="")
    assert _raw("portal_user", "id_number", user.pk) == ""
    assert User.objects.filter(pk=user.pk, phone="").exists()
    with pytest.raises(TypeError, match="blind index"):
        User.objects.filter(phone=PHONE).exists()
    with pytest.raises(Exception, match="Unsupported lookup"):
        User.objects.filter(phone__icontains="138").exists()


def test_a_row_is_found_by_its_blind_index_and_purposes_keep_fields_apart():
    user = _citizen(id_number=ID, phone=PHONE)
    found = User.objects.get(id_number_hash=pii.blind_index("id_number", ID.lower()))
    assert found == user
    assert User.objects.filter(phone_hash=pii.blind_index("phone", f" {PHONE} ")).get() == user
    assert pii.blind_index("id_number", ID) != pii.blind_index("delivery.phone", ID)
    # Every resident ID number shares one purpose, so legal reps and users compare.
    profile = PartyProfile.objects.create(unit=OrgUnitFactory(), legal_rep_id_number=ID)
    assert profile.legal_rep_id_number_hash == user.id_number_hash


def test_update_fields_and_bulk_create_keep_the_blind_index_in_step():
    user = _citizen(phone=PHONE)
    user.phone = "13900139000"
    user.save(update_fields=["phone"])
    assert User.objects.filter(phone_hash=pii.blind_index("phone", "13900139000")).get() == user
    SmsMessage.objects.bulk_create([SmsMessage(phone=PHONE, text="t", idempotency_key="b" * 64)])
    assert SmsMessage.objects.get(idempotency_key="b" * 64).phone_hash == pii.blind_index("phone", PHONE)


# -- uniqueness of users' ID numbers ------------------------------------------------------------------


BASE = {
    "full_name": "张三",
    "phone": PHONE,
    "email": "zs@example.com",
    "password1": "Xq7!registration-2026",
    "password2": "Xq7!registration-2026",
    "kind": "citizen",
}


def test_registration_refuses_an_id_number_already_registered(client):
    _citizen(id_number=ID)
    response = client.post("/accounts/register/", {**BASE, "username": "dup", "id_number": ID.lower()})
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert not User.objects.filter(username="dup").exists()


def test_the_database_refuses_a_second_user_with_one_id_number():
    from django.db import IntegrityError, transaction

    _citizen(id_number=ID)
    with pytest.raises(IntegrityError), transaction.atomic():
        _citizen(id_number=ID.lower())
    assert _citizen(id_number="").pk and _citizen(id_number="").pk  # blanks never clash


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_with_one_id_number_make_one_account():
    start = threading.Barrier(4)
    codes = []

    def register(n):
        try:
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            start.wait()
            response = client.post("/accounts/register/", {**BASE, "username": f"racer{n}", "id_number": ID})
            codes.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 200, 200, 302]  # one account, three form answers, no 500
    assert User.objects.filter(id_number_hash=pii.blind_index("id_number", ID)).count() == 1


# -- rotation ----------------------------------------------------------------------------------------


def test_rotation_re_encrypts_with_the_new_key_so_the_old_one_can_go(settings):
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PII_ENCRYPTION_KEYS = [key_a]
    user = _citizen(id_number=ID, phone=PHONE)
    token_a = _raw("portal_user", "phone", user.pk)
    Fernet(key_a.encode()).decrypt(token_a.encode())

    settings.PII_ENCRYPTION_KEYS = [key_b, key_a]
    call_command("pii_rotate", "--batch-size", "1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    token_b = _raw("portal_user", "phone", user.pk)
    assert Fernet(key_b.encode()).decrypt(token_b.encode()).decode() == PHONE

    settings.PII_ENCRYPTION_KEYS = [key_b]  # key A dropped
    user = User.objects.get(pk=user.pk)
    assert (user.id_number, user.phone) == (ID, PHONE)
    # A second run has nothing left to do.
    from io import StringIO

    out = StringIO()
    call_command("pii_rotate", stdout=out)
    assert "Done: 0 values re-encrypted" in out.getvalue()


def test_rehash_recomputes_blind_indexes_after_a_hash_key_change(settings):
    user = _citizen(id_number=ID)
    settings.PII_HASH_KEY = "a-new-blind-index-key-of-enough-length-0123456789"
    assert not User.objects.filter(id_number_hash=pii.blind_index("id_number", ID)).exists()
    call_command("pii_rotate", "--rehash", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.get(id_number_hash=pii.blind_index("id_number", ID)) == user


# -- masked by default, shown on request, audited ----------------------------------------------------


def _reveals(obj):
    return AuditEvent.objects.filter(action="pii.reveal", object_id=str(obj.pk))


def test_own_data_is_masked_and_shown_in_full_on_request_with_an_audit_event(client):
    user = _citizen(id_number=ID, phone=PHONE)
    client.force_login(user)
    page = client.get(reverse("security:settings")).content.decode()
    assert "138****8000" in page and "1101**********002X" in page
    assert PHONE not in page and ID not in page
    response = client.post(reverse("security:personal-data", args=["id_number"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ID in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = _reveals(user).get()
    assert event.actor_id == user.pk and event.after == {"field": "id_number"} and event.reason
    assert ID not in str(event.before) + str(event.after) + event.reason + event.object_repr
    assert client.post(reverse("security:personal-data", args=["password"])).status_code == 404


def test_admin_shows_masks_and_never_prefills_the_value(admin_client):
    user = _citizen(id_number=ID, phone=PHONE)
    page = admin_client.get(reverse("admin:portal_user_change", args=[user.pk])).content.decode()
    assert ID not in page and PHONE not in page
    assert "1101**********002X" in page
    found = admin_client.get(reverse("admin:portal_user_changelist"), {"q": ID.lower()}).content.decode()
    assert user.username in found


def test_audit_snapshots_hold_the_masked_value():
    from portal.audit.services import snapshot

    user = _citizen(phone=PHONE)
    assert snapshot(user, ["phone"]) == {"phone": "138****8000"}


def test_admin_keeps_an_empty_input_and_refuses_a_duplicate_as_a_form_error(admin_client):
    user = _citizen(id_number=ID, phone=PHONE)
    other = _citizen(id_number="")
    url = reverse("admin:portal_user_change", args=[other.pk])
    form = {
        "username": other.username,
        "full_name": other.full_name,
        "kind": "citizen",
        "email": "",
        "phone": "",
        "id_number": "",
        "language": other.language,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-11-02",
        "date_joined_1": "09:00:00",
    }
    response = admin_client.post(url, {**form, "phone": "13900139000"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.phone == "13900139000"
    response = admin_client.post(url, form)  # empty inputs keep what is stored
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.phone == "13900139000"
    response = admin_client.post(url, {**form, "id_number": ID.lower()})
    assert response.status_code == 200
    assert "id_number" in response.context["adminform"].form.errors
    assert User.objects.get(pk=user.pk).id_number == ID


# -- application forms -------------------------------------------------------------------------------


def _application(form):
    from approvals.models import Application
    from tests.approvals.factories import ItemFactory

    return Application.objects.create(
        applicant=_citizen(),
        item=ItemFactory(published=True),
        lead_department=OrgUnitFactory(),
        form_data=form,
    )


FORM = {
    "shop_name": "老张面馆",
    "legal_rep_id": ID.lower(),
    "contact_phone": PHONE,
    "landline": "0791-88123456",
    "staff": [{"name": "李四", "id": "360102198501010011"}],
    "floor_area": "120",
}


def test_id_and_phone_numbers_in_an_application_form_are_encrypted_at_rest():
    from approvals.models import Application

    application = _application(FORM)
    raw = _raw(Application._meta.db_table, "form_data", application.pk)
    raw = raw if isinstance(raw, str) else __import__("json").dumps(raw, ensure_ascii=False)
    for plain in (ID, ID.lower(), PHONE, "88123456", "360102198501010011"):
        assert plain not in raw
    assert "老张面馆" in raw and '"120"' in raw  # the other answers stay readable (and queryable)
    stored = Application.objects.get(pk=application.pk).form_data
    assert stored == {**FORM, "legal_rep_id": ID, "staff": [{"name": "李四", "id": "360102198501010011"}]}
    assert Application.objects.filter(form_data__shop_name="老张面馆").get() == application


def test_rotation_re_seals_application_forms(settings):
    from approvals.models import Application

    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PII_ENCRYPTION_KEYS = [key_a]
    application = _application(FORM)
    settings.PII_ENCRYPTION_KEYS = [key_b, key_a]
    call_command("pii_rotate", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.PII_ENCRYPTION_KEYS = [key_b]  # key A dropped: every value still opens
    assert Application.objects.get(pk=application.pk).form_data["contact_phone"] == PHONE
