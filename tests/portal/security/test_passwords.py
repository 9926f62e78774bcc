"""Password rules: at least 10 characters, not common, not all digits, not like the user,
3 kinds of characters."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from portal.models import User


@pytest.mark.parametrize(
    "password",
    ["Ab1!short", "password123", "12345678901234", "abcdefghijkl", "abcdefgh1234", "wangxiaoming2026A"],
)
def test_weak_passwords_are_refused(password):
    user = User(username="wangxiaoming", full_name="王小明", email="wangxiaoming@example.com")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize("password", ["Yunxi-Harbour-42", "qiao.liang.7Road", "城市Portal-2026"])
def test_strong_passwords_pass(password):
    validate_password(password, User(username="someone", full_name="某人"))


def test_registration_refuses_a_weak_password(client, db):
    response = client.post(
        "/accounts/register/",
        {"username": "newcomer", "password1": "abcdefgh1234", "password2": "abcdefgh1234"},
    )
    assert response.status_code == 200
    assert "kinds of characters" in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()
