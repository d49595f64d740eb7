"""The coordinator edits the plan in the Django admin; edits are kept and audited."""

from __future__ import annotations

from naptrack.audit.models import AuditEvent
from naptrack.plans.models import Action

from .conftest import logged_in


def test_coordinator_sees_the_plan_in_the_admin(coordinator_client, django_assert_max_num_queries):
    response = coordinator_client.get("/admin/")
    assert response.status_code == 200
    assert "Lines of action" in response.content.decode()
    with django_assert_max_num_queries(12):
        response = coordinator_client.get("/admin/plans/action/")
    assert response.status_code == 200
    assert "102 lines of action" in response.content.decode()


def test_coordinator_edits_a_line_with_history_and_audit(plan, coordinator, coordinator_client):
    line = Action.objects.get(plan=plan, code="9")
    url = f"/admin/plans/action/{line.pk}/change/"
    response = coordinator_client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: (value if value is not None else "") for name, value in form.initial.items()}
    data.update({"goal": line.goal_id, "plan": plan.pk, "text_en": line.text_en, "text_fr": "Plaider pour ..."})
    for prefix, formset in ((fs.formset.prefix, fs.formset) for fs in response.context["inline_admin_formsets"]):
        management = formset.management_form
        data.update({f"{prefix}-{k}": v for k, v in management.initial.items()})
        for i, inline_form in enumerate(formset.forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if value is None or value is False:
                    continue
                data[f"{prefix}-{i}-{name}"] = value
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    line.refresh_from_db()
    assert line.text_fr == "Plaider pour ..."
    assert line.history.first().history_user == coordinator
    event = AuditEvent.objects.get(action="plans.action.edited")
    assert event.actor == coordinator
    assert event.data["after"] == {"text_fr": "Plaider pour ..."}
    assert event.data["before"] == {"text_fr": None} or event.data["before"] == {"text_fr": ""}


def test_focal_points_and_readers_cannot_use_the_admin(focal_defence, reader):
    for user in (focal_defence, reader):
        response = logged_in(user).get("/admin/plans/action/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_anonymous_is_sent_to_log_in(anonymous):
    assert anonymous.get("/admin/").status_code == 302
