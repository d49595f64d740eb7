"""Civil society's public record on the real Belgian plan, made through the services, for the
portal's tests (test_civil_society_portal.py, test_never_leaks.py): assessments taken to a given
state, a consultation event with its files and recommendations, listings of the expertise
network."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from naptrack.civilsociety import services
from naptrack.plans.models import Action, Department, Objective


def _blank_pdf() -> bytes:
    """A real one-page PDF: the never-leaks crawl reads every PDF it downloads."""
    import io

    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=72, height=72)
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()


def assess(
    member,
    round_,
    code: str,
    narrative: str,
    *,
    then: str = "accepted",
    coordinator=None,
    objective: int | None = None,
    note: str = "",
    evidence: dict | None = None,
    **data,
):
    """An assessment of line `code` (or of objective `objective`) by the member's organisation,
    taken to `then`: draft, submitted, returned, rejected or accepted."""
    plan = round_.plan
    subject = (
        {"objective": Objective.objects.get(plan=plan, number=objective)}
        if objective
        else {"action": Action.objects.get(plan=plan, code=code)}
    )
    a = services.assessment_create(
        actor=member, round=round_, data={"status": "in-progress", "narrative": narrative, **data}, **subject
    )
    if data.get("partner_name"):
        a = services.assessment_save(actor=member, assessment=a, version=a.version, data={"partner_consent": True})
    for title, value in (evidence or {}).items():
        if isinstance(value, bytes):
            services.assessment_evidence_add(
                actor=member, assessment=a, title=title, upload=SimpleUploadedFile(f"{title}.pdf", value)
            )
        else:
            services.assessment_evidence_add(actor=member, assessment=a, title=title, url=value)
    if then == "draft":
        return a
    a = services.assessment_submit(actor=member, assessment=a)
    if then == "submitted":
        return a
    decision = {"accepted": "accept", "returned": "return", "rejected": "reject"}[then]
    return services.assessment_moderate(
        actor=coordinator, assessment=a, decision=decision, note=note or ("" if then == "accepted" else "Why.")
    )


def event(
    coordinator,
    plan,
    title: str,
    *,
    public: bool = True,
    attending=(),
    minutes: bytes | None = None,
    when: dt.date = dt.date(2014, 11, 20),
    **data,
):
    made = services.event_create(
        actor=coordinator,
        plan=plan,
        kind=data.pop("kind", "mid-term"),
        title=title,
        date=when,
        place=data.pop("place", "Egmont Palace, Brussels"),
        organiser=Department.objects.get(code="foreign-affairs"),
        attending=list(attending),
        women=31,
        men=9,
        other=1,
        public=public,
        **data,
    )
    if minutes is not None:
        services.event_file_add(
            actor=coordinator,
            event=made,
            kind="minutes",
            upload=SimpleUploadedFile("minutes.pdf", minutes),
            title=f"Minutes of {title}",
        )
    return made


def recommend(
    coordinator,
    made,
    text: str,
    codes: list[str],
    *,
    organisations=(),
    response: str = "",
    reason: str = "",
    follow_up: str = "",
    status: str = "in-progress",
    round_=None,
):
    r = services.recommendation_add(
        actor=coordinator,
        event=made,
        text=text,
        organisations=list(organisations),
        actions=[Action.objects.get(plan=made.plan, code=c) for c in codes],
    )
    if response:
        r = services.recommendation_respond(actor=coordinator, recommendation=r, response=response, reason=reason)
    if follow_up:
        services.recommendation_follow_up(
            actor=coordinator, recommendation=r, status=status, note=follow_up, round=round_
        )
    return r


def listing(coordinator, name: str, *, consent: bool = True, email: str = "", fields=(), **data):
    expert = services.expert_add(actor=coordinator, name=name, email=email, fields=list(fields), **data)
    if consent:
        expert = services.expert_consent_give(actor=coordinator, expert=expert, purpose="The public directory.")
    return expert
