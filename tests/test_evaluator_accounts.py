"""Creating evaluators: the plan they evaluate is required for them and refused for every other
role, on the coordinator's screens, in invitations and on the command line; a role changed away
from evaluator leaves no plan; the people list shows it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from naptrack.accounts.models import User
from naptrack.accounts.services import user_create, user_set_role
from tests.conftest import BE
from tests.test_cli import run as cli_run


@pytest.fixture
def evaluator(plan):
    return user_create(
        actor="tests",
        username="evaluator",
        role="evaluator",
        password="correct horse battery staple",
        plan_slug=BE,
        check_password=False,
    )


def test_an_evaluator_needs_a_plan_and_only_an_evaluator_has_one(plan, coordinator):
    with pytest.raises(ValidationError) as info:
        user_create(actor=coordinator, username="e", role="evaluator", password="x" * 12, check_password=False)
    assert "An evaluator needs the plan they evaluate" in str(info.value.message_dict["plan"])
    with pytest.raises(ValidationError) as info:
        user_create(
            actor=coordinator, username="e", role="reader", password="x" * 12, plan_slug=BE, check_password=False
        )
    assert "Only an evaluator has a plan" in str(info.value.message_dict["plan"])
    with pytest.raises(ValidationError) as info:
        user_create(
            actor=coordinator, username="e", role="evaluator", password="x" * 12, plan_slug="nope", check_password=False
        )
    assert "Unknown plan nope" in str(info.value.message_dict["plan"])
    with pytest.raises(ValidationError) as info:
        user_create(
            actor=coordinator,
            username="e",
            role="evaluator",
            password="x" * 12,
            plan_slug=BE,
            department_code="defence",
            check_password=False,
        )
    assert "department" in info.value.message_dict
    assert not User.objects.filter(username="e").exists()


def test_changing_the_role_away_from_evaluator_clears_the_plan(evaluator, coordinator):
    assert evaluator.plan.slug == BE
    user_set_role(actor=coordinator, user=evaluator, role="reader")
    evaluator.refresh_from_db()
    assert evaluator.plan_id is None and evaluator.role == "reader"
    user_set_role(actor=coordinator, user=evaluator, role="evaluator", plan_slug=BE)
    evaluator.refresh_from_db()
    assert evaluator.plan.slug == BE


def test_the_coordinator_invites_an_evaluator_from_the_browser(coordinator_client, plan, mailoutbox):
    form = {"email": "eva@example.org", "role": "evaluator", "language": "en"}
    refused = coordinator_client.post("/accounts/people/invite/", form)
    assert refused.status_code == 400 and "An evaluator needs the plan they evaluate" in refused.content.decode()
    refused = coordinator_client.post("/accounts/people/invite/", {**form, "role": "reader", "plan": BE})
    assert refused.status_code == 400 and "Only an evaluator has a plan" in refused.content.decode()
    assert not User.objects.filter(email="eva@example.org").exists()
    assert coordinator_client.post("/accounts/people/invite/", {**form, "plan": BE}).status_code == 302
    eva = User.objects.get(email="eva@example.org")
    assert (eva.role, eva.plan.slug) == ("evaluator", BE)
    listed = coordinator_client.get("/accounts/people/?role=evaluator").content.decode()
    assert "eva@example.org" in listed and escape(plan.title) in listed


def test_the_person_page_sets_and_clears_the_plan(coordinator_client, evaluator):
    url = f"/accounts/people/{evaluator.pk}/"
    assert f'value="{BE}" selected' in coordinator_client.get(url).content.decode()
    assert coordinator_client.post(url, {"role": "reader", "plan": BE}).status_code == 400
    assert coordinator_client.post(url, {"role": "reader"}).status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.plan_id is None


def test_the_command_line_creates_an_evaluator(plan, capsys, monkeypatch):
    def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        return cli_run(capsys, *argv, stdin=stdin, monkeypatch=monkeypatch)

    code, _out, err = run("user", "create", "eva", "--role", "evaluator", "--password-stdin", stdin="p" * 16 + "\n")
    assert code == 1 and "plan: An evaluator needs the plan they evaluate" in err
    code, out, _err = run(
        "user", "create", "eva", "--role", "evaluator", "--plan", BE, "--password-stdin", stdin="a long passphrase 1\n"
    )
    assert code == 0 and f"user eva added as evaluator of {BE}" in out
    code, out, _err = run("user", "list")
    assert any(line.split()[:4] == ["eva", "evaluator", "-", BE] for line in out.splitlines())
    code, out, _err = run("user", "set-role", "eva", "--role", "reader")
    assert code == 0 and User.objects.get(username="eva").plan_id is None
