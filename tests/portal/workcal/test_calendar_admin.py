"""Django admin of the calendar: confirm (action and button), reopen, inline edits through the services."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from portal.workcal.days import is_workday, year_status
from portal.workcal.models import CalendarDay, CalendarYear, YearStatus
from tests.factories import OfficialFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.workcal.urls")]

CHANGELIST = "admin:workcal_calendaryear_changelist"
NOTICE = "国办发明电〔2026〕9号"  # made up for the tests


def year_pk(year):
    return CalendarYear.objects.get(year=year).pk


def test_changelist_filters_by_status_and_warns_about_provisional_years(admin_client):
    response = admin_client.get(reverse(CHANGELIST), {"status__exact": "provisional"})
    assert response.status_code == 200
    listed = [row.year for row in response.context["cl"].result_list]
    assert listed == [2027]
    assert "Provisional: 2027" in response.content.decode()


def test_superuser_confirms_a_year_with_the_admin_action(
    admin_client, changes, django_capture_on_commit_callbacks
):
    data = {"action": "confirm_years", "_selected_action": [year_pk(2027)]}
    # First the action asks for the notice's reference.
    page = admin_client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200
    assert "Reference of the State Council notice" in page.content.decode()
    assert year_status(2027) == "provisional"
    # Then it confirms.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse(CHANGELIST), {**data, "apply": "1", "reference": NOTICE})
    assert response.status_code == 302
    row = CalendarYear.objects.get(year=2027)
    assert row.status == YearStatus.CONFIRMED
    assert row.reference == NOTICE
    assert row.confirmed_by.username == "calendar-admin"
    assert changes == [[2027]]
    assert year_status(2027) == "confirmed"


def test_the_action_without_a_reference_confirms_nothing(admin_client):
    data = {"action": "confirm_years", "_selected_action": [year_pk(2027)], "apply": "1", "reference": ""}
    response = admin_client.post(reverse(CHANGELIST), data)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert year_status(2027) == "provisional"


def test_confirm_button_and_reopen_on_the_change_page(admin_client):
    pk = year_pk(2027)
    change = admin_client.get(reverse("admin:workcal_calendaryear_change", args=[pk]))
    html = change.content.decode()
    assert "PROVISIONAL" in html
    assert reverse("admin:workcal_calendaryear_confirm", args=[pk]) in html

    response = admin_client.post(
        reverse("admin:workcal_calendaryear_confirm", args=[pk]), {"reference": NOTICE}
    )
    assert response.status_code == 302
    assert year_status(2027) == "confirmed"
    html = admin_client.get(reverse("admin:workcal_calendaryear_change", args=[pk])).content.decode()
    assert "Confirmed by 日历管理员" in html
    assert reverse("admin:workcal_calendaryear_reopen", args=[pk]) in html

    admin_client.post(reverse("admin:workcal_calendaryear_reopen", args=[pk]), {"reason": "新通知"})
    assert year_status(2027) == "provisional"


def test_staff_without_the_confirm_permission_cannot_confirm(client):
    staff = OfficialFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_calendaryear", "change_calendaryear"])
    )
    client.force_login(staff)
    pk = year_pk(2027)
    response = client.post(reverse("admin:workcal_calendaryear_confirm", args=[pk]), {"reference": NOTICE})
    assert response.status_code == 403
    client.post(
        reverse(CHANGELIST),
        {"action": "confirm_years", "_selected_action": [pk], "apply": "1", "reference": NOTICE},
    )
    assert year_status(2027) == "provisional"


def inline_data(year: int, extra_rows=(), changes=None, delete=()):
    """The POST of a year's change form with its inline days (as the browser sends it)."""
    row = CalendarYear.objects.get(year=year)
    days = list(CalendarDay.objects.filter(year=row).order_by("date"))
    data = {"source": row.source, "note": row.note}
    rows = []
    for d in days:
        values = {
            "id": d.pk,
            "year": year,
            "date": d.date.isoformat(),
            "is_workday": "on" if d.is_workday else "",
            "name": d.name,
            "reference": d.reference,
            "note": d.note,
        }
        values.update((changes or {}).get(d.date, {}))
        if d.date in delete:
            values["DELETE"] = "on"
        rows.append(values)
    for extra in extra_rows:
        rows.append({"id": "", "year": year, "note": "", "reference": "", "is_workday": "", **extra})
    for i, values in enumerate(rows):
        for key, value in values.items():
            if key == "is_workday" and not value:
                continue
            data[f"days-{i}-{key}"] = value
    data.update(
        {
            "days-TOTAL_FORMS": len(rows),
            "days-INITIAL_FORMS": len(days),
            "days-MIN_NUM_FORMS": 0,
            "days-MAX_NUM_FORMS": 1000,
        }
    )
    return data


def test_inline_edits_go_through_the_services(admin_client, changes, django_capture_on_commit_callbacks):
    url = reverse("admin:workcal_calendaryear_change", args=[year_pk(2027)])
    saturday, monday = date(2027, 3, 6), date(2027, 3, 1)
    new_rows = [
        {"date": saturday.isoformat(), "is_workday": "on", "name": "调休上班", "reference": NOTICE},
        {"date": monday.isoformat(), "name": "测试假日"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            inline_data(2027, extra_rows=new_rows, changes={date(2027, 1, 1): {"name": "元旦（新年）"}}),
        )
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert is_workday(saturday) and not is_workday(monday)
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).name == "元旦（新年）"
    assert changes == [[2027]] * 3  # one signal per service call, after the admin's commit
    assert CalendarYear.objects.get(year=2027).edited

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, inline_data(2027, delete=[monday]))
    assert response.status_code == 302
    assert is_workday(monday)
    assert changes[-1] == [2027]


def test_inline_refuses_a_weekend_working_day_without_reference(admin_client, changes):
    url = reverse("admin:workcal_calendaryear_change", args=[year_pk(2027)])
    new_rows = [{"date": "2027-03-06", "is_workday": "on", "name": "调休上班", "reference": ""}]
    response = admin_client.post(url, inline_data(2027, extra_rows=new_rows))
    assert response.status_code == 200
    assert "needs the reference" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2027, 3, 6)).exists()
    assert changes == []


def test_inline_refuses_a_date_of_another_year(admin_client):
    url = reverse("admin:workcal_calendaryear_change", args=[year_pk(2027)])
    response = admin_client.post(url, inline_data(2027, extra_rows=[{"date": "2028-03-01", "name": "x"}]))
    assert response.status_code == 200
    assert "not in 2027" in response.content.decode()


def test_a_confirmed_year_is_read_only_in_admin(admin_client):
    url = reverse("admin:workcal_calendaryear_change", args=[year_pk(2026)])
    response = admin_client.get(url)
    formset = response.context["inline_admin_formsets"][0]
    assert not formset.has_add_permission and not formset.has_change_permission
    assert "is confirmed" in response.content.decode()
    assert "holidays package, checked against State Council notices" in response.content.decode()
    delete = admin_client.post(
        reverse("admin:workcal_calendaryear_delete", args=[year_pk(2026)]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert year_status(2026) == "confirmed"


def test_add_a_year_in_admin(admin_client, changes, django_capture_on_commit_callbacks):
    data = {
        "year": 2040,
        "source": "测试",
        "note": "",
        "days-TOTAL_FORMS": 1,
        "days-INITIAL_FORMS": 0,
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
        "days-0-date": "2040-01-02",
        "days-0-name": "元旦",
        "days-0-reference": "",
        "days-0-note": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:workcal_calendaryear_add"), data)
    assert response.status_code == 302
    assert year_status(2040) == "provisional"
    assert not is_workday(date(2040, 1, 2))
    assert changes == [[2040], [2040]]  # the year, then its day


def test_delete_a_provisional_year(admin_client):
    response = admin_client.post(
        reverse("admin:workcal_calendaryear_delete", args=[year_pk(2027)]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert year_status(2027) == "missing"
