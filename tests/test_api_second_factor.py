"""An API token is as good as a signed-in session: people who sign in with a second factor give it
when they ask for a token, and people whose role requires one set it up first."""

from __future__ import annotations

import time

from rest_framework.test import APIClient

from naptrack.accounts import twofactor
from naptrack.api.models import ApiToken

from .second_factor import code_at, next_code

PASSWORD = "correct horse battery staple"


def enrolled(user) -> list[str]:
    secret = twofactor.secret_new()
    codes, _device = twofactor.two_factor_enrol(
        actor=user, secret=secret, token=code_at(bytes.fromhex(secret), int(time.time()) // 30)
    )
    return codes


def ask(username: str, **extra: str):
    return APIClient().post("/api/v1/token/", {"username": username, "password": PASSWORD, **extra}, format="json")


def test_a_coordinator_without_a_second_factor_gets_no_token(coordinator):
    response = ask("coordinator")
    assert response.status_code == 403
    assert "set it up" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=coordinator).exists()


def test_a_password_alone_is_not_enough_once_a_second_factor_is_set_up(coordinator):
    enrolled(coordinator)
    response = ask("coordinator")
    assert response.status_code == 400
    assert response.json()["errors"]["otp"] == [
        "Add the code your authenticator app shows now (or a recovery code) as otp."
    ]
    assert ask("coordinator", otp="000000").status_code == 400
    assert not ApiToken.objects.filter(user=coordinator).exists()


def test_the_app_code_or_a_recovery_code_gets_the_token_and_a_recovery_code_works_once(coordinator):
    codes = enrolled(coordinator)
    with_code = ask("coordinator", otp=next_code("coordinator"))
    assert with_code.status_code == 200, with_code.content
    assert with_code.json()["token"]
    assert ask("coordinator", otp=codes[0]).status_code == 200
    again = ask("coordinator", otp=codes[0])
    assert again.status_code == 400
    assert ApiToken.objects.filter(user=coordinator).count() == 2


def test_a_focal_point_without_a_second_factor_still_gets_a_token_with_the_password(focal_defence):
    assert ask("focal-defence").status_code == 200


def test_a_focal_point_who_set_one_up_gives_it_too(focal_defence):
    enrolled(focal_defence)
    assert ask("focal-defence").status_code == 400
    assert ask("focal-defence", otp=next_code("focal-defence")).status_code == 200
