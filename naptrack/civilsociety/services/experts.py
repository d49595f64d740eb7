"""The expertise network (line 34): listings public only with recorded consent, and a person's
data seen, exported and erased on request."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.accounts.models import User
from naptrack.audit.services import audit_anonymise, audit_record
from naptrack.civilsociety.models import Consent, Expert, ExpertiseField, Member
from naptrack.civilsociety.services.common import CivilSocietyError, country_codes, language_codes
from naptrack.core.services import author, require

PURPOSE_MAX = 1000


@transaction.atomic
def expertise_field_add(*, actor, name: str) -> ExpertiseField:
    require(actor, "civilsociety.manage")
    name = (name or "").strip()[:200]
    if not name:
        raise ValidationError({"name": [_("Name the field of expertise.")]})
    if ExpertiseField.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("%(name)s is already in the list.") % {"name": name}]})
    last = ExpertiseField.objects.order_by("-position").values_list("position", flat=True).first() or 0
    field = ExpertiseField.objects.create(name=name, position=last + 1)
    audit_record(actor=actor, action="civilsociety.expertise_field.added", target=field)
    return field


def _clean(data: dict, errors: dict) -> dict:
    cleaned: dict[str, Any] = {}
    if "name" in data:
        cleaned["name"] = str(data["name"] or "").strip()[:200]
        if not cleaned["name"]:
            errors["name"] = [_("Give the name to list.")]
    if data.get("email"):
        try:
            validate_email(data["email"])
            cleaned["email"] = data["email"].strip()
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if "languages" in data:
        cleaned["languages"] = language_codes(data["languages"], "languages", errors)
    if "countries" in data:
        cleaned["countries"] = country_codes(data["countries"], "countries", errors)
    if "summary" in data:
        cleaned["summary"] = str(data["summary"] or "").strip()[:2000]
    for key in ("organisation", "user"):
        if key in data:
            cleaned[key] = data[key]
    return cleaned


@transaction.atomic
def expert_add(*, actor, fields: list[ExpertiseField] | None = None, **data) -> Expert:
    """A listing, by the coordinator or by a member for themselves; not public until consent."""
    if getattr(actor, "is_authenticated", False) and not actor.has_perm("civilsociety.manage"):
        # A member lists themselves (or their organisation), nobody else.
        membership = Member.objects.filter(user=actor).first()
        if membership is None:
            require(actor, "civilsociety.manage")
        data["user"] = actor
        data["organisation"] = data.get("organisation") or membership.organisation
        if data["organisation"].pk != membership.organisation_id:
            require(actor, "civilsociety.manage")
    else:
        require(actor, "civilsociety.manage")
    errors: dict = {}
    data.setdefault("name", "")
    cleaned = _clean(data, errors)
    if errors:
        raise ValidationError(errors)
    expert = author(Expert(**cleaned), actor)
    expert.save()
    if fields:
        expert.fields.set(fields)
    audit_record(actor=actor, action="civilsociety.expert.added", target=expert)
    return expert


@transaction.atomic
def expert_update(*, actor, expert: Expert, data: dict, fields: list[ExpertiseField] | None = None) -> Expert:
    require(actor, "civilsociety.change_listing", expert)
    errors: dict = {}
    cleaned = _clean({k: v for k, v in data.items() if k not in ("user", "organisation")}, errors)
    if errors:
        raise ValidationError(errors)
    for key, value in cleaned.items():
        setattr(expert, key, value)
    author(expert, actor).save()
    if fields is not None:
        expert.fields.set(fields)
    audit_record(actor=actor, action="civilsociety.expert.updated", target=expert, data={"fields": sorted(cleaned)})
    return expert


@transaction.atomic
def expert_consent_give(*, actor, expert: Expert, purpose: str) -> Expert:
    """Consent, explicit and recorded: when and what for. The listing is public from now."""
    require(actor, "civilsociety.change_listing", expert)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": [_("Say what the consent is for.")]})
    if expert.consent_at is not None:
        raise CivilSocietyError(_("Consent was already given on %(date)s.") % {"date": expert.consent_at.date()})
    expert.consent_at = timezone.now()
    author(expert, actor).save(update_fields=["consent_at"])
    Consent.objects.create(
        expert=expert,
        action=Consent.Action.GIVEN,
        purpose=purpose[:PURPOSE_MAX],
        recorded_by=getattr(actor, "get_username", lambda: str(actor))(),
    )
    audit_record(actor=actor, action="civilsociety.expert.consent_given", target=expert, data={"purpose": purpose})
    return expert


@transaction.atomic
def expert_consent_withdraw(*, actor, expert: Expert) -> Expert:
    """The listing leaves the public directory at once."""
    require(actor, "civilsociety.change_listing", expert)
    if expert.consent_at is None:
        raise CivilSocietyError(_("No consent stands for this listing."))
    expert.consent_at = None
    author(expert, actor).save(update_fields=["consent_at"])
    Consent.objects.create(
        expert=expert,
        action=Consent.Action.WITHDRAWN,
        purpose="",
        recorded_by=getattr(actor, "get_username", lambda: str(actor))(),
    )
    audit_record(actor=actor, action="civilsociety.expert.consent_withdrawn", target=expert)
    return expert


def _people(email: str) -> tuple[list[User], list[Expert]]:
    users = list(User.objects.filter(email__iexact=email))
    experts = list(Expert.objects.filter(email__iexact=email) | Expert.objects.filter(user__in=users))
    return users, experts


def person_export(*, actor, email: str) -> dict[str, Any]:
    """Everything civil society's records hold about a person, by e-mail address."""
    users, experts = _people(email)
    # A person exports their own data; only the coordinator anybody's.
    own = getattr(actor, "is_authenticated", False) and actor.email.lower() == email.lower()
    if not own:
        require(actor, "civilsociety.manage")
    out: dict[str, Any] = {"email": email, "accounts": [], "listings": []}
    for user in users:
        membership = Member.objects.filter(user=user).select_related("organisation").first()
        out["accounts"].append(
            {
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "language": user.language,
                "date_joined": user.date_joined.isoformat(),
                "organisation": membership.organisation.name if membership else None,
            }
        )
    for expert in experts:
        out["listings"].append(
            {
                "name": expert.name,
                "email": expert.email,
                "organisation": str(expert.organisation or ""),
                "fields": [f.name for f in expert.fields.all()],
                "languages": expert.languages,
                "countries": expert.countries,
                "summary": expert.summary,
                "consent": [
                    {"action": c.action, "purpose": c.purpose, "at": c.at.isoformat()} for c in expert.consents.all()
                ],
            }
        )
    audit_record(
        actor=actor, action="civilsociety.person.exported", data={"accounts": len(users), "listings": len(experts)}
    )
    return out


@transaction.atomic
def person_erase(*, actor, email: str) -> dict[str, int]:
    """Erase a person: their listings go with their history (consent records stay, without the
    name), their account is closed and emptied of name and address, and the audit trail keeps
    what happened with "(erased)" where it named them. Events keep their counts of participants by
    sex, which never named anyone."""
    require(actor, "civilsociety.manage")
    users, experts = _people(email)
    if not users and not experts:
        raise ValidationError({"email": [_("Nothing is held about %(email)s.") % {"email": email}]})
    names = {email, *(u.username for u in users), *(u.email for u in users), *(e.name for e in experts)}
    targets = {"civilsociety.expert": {str(e.pk) for e in experts}, "accounts.user": {str(u.pk) for u in users}}
    expert_ids = [e.pk for e in experts]
    for expert in experts:
        expert.delete()
    # Row history would otherwise keep every version of the listing, and the consent records the
    # login (often the e-mail address) of who recorded them.
    Expert.history.filter(id__in=expert_ids).delete()
    Consent.objects.filter(recorded_by__in=names).update(recorded_by="")
    for user in users:
        if user.is_superuser or user.has_perm("civilsociety.manage"):
            raise ValidationError({"email": [_("A coordinator's account is not erased this way.")]})
        Member.objects.filter(user=user).delete()
        user.first_name = user.last_name = ""
        user.email = ""
        user.username = f"erased-{user.pk}"
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.invitations.all().delete()
    audit_anonymise(names=names, targets=targets, replacement=_("(erased)"))
    audit_record(
        actor=actor, action="civilsociety.person.erased", data={"accounts": len(users), "listings": len(experts)}
    )
    return {"accounts": len(users), "listings": len(experts)}


def person_erasure_request(*, actor) -> None:
    """A person asks for their data to be erased; the coordinator erases it (person_erase). The
    audit entry names the account by its id only, so that nothing personal outlives the erasure."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to ask for your data to be erased."))
    audit_record(actor=actor, action="civilsociety.person.erasure_requested", data={"user": actor.pk})


def erasure_requests() -> list[User]:
    """Accounts whose holders asked for erasure and still hold data: the coordinator's to-do list."""
    from naptrack.audit.models import AuditEvent

    ids = {
        event["data"].get("user")
        for event in AuditEvent.objects.filter(action="civilsociety.person.erasure_requested").values("data")
    }
    return list(User.objects.filter(pk__in=[i for i in ids if i], is_active=True).exclude(email="").order_by("email"))
