"""The register of organisations and their members' accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.accounts.invitations import Sent, user_invite
from naptrack.accounts.models import User
from naptrack.audit.services import audit_record
from naptrack.civilsociety.models import Member, Organisation
from naptrack.civilsociety.services.common import country_code, language_codes
from naptrack.core.roles import Role
from naptrack.core.services import author, require


def _clean(data: dict, errors: dict, instance: Organisation | None = None) -> dict:
    cleaned: dict = {}
    if "name" in data or instance is None:
        cleaned["name"] = str(data.get("name") or "").strip()[:300]
        if not cleaned["name"]:
            errors["name"] = [_("Give the organisation's name.")]
    if "country" in data or instance is None:
        cleaned["country"] = country_code(data.get("country", ""), "country", errors)
    if "kind" in data:
        if data["kind"] not in Organisation.Kind.values:
            errors["kind"] = [_("Choose a kind: %(kinds)s.") % {"kinds": ", ".join(Organisation.Kind.values)}]
        cleaned["kind"] = data["kind"]
    if data.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(data["website"])
            cleaned["website"] = data["website"]
        except ValidationError:
            errors["website"] = [_("Enter a web address starting with http:// or https://.")]
    if data.get("contact_email"):
        try:
            validate_email(data["contact_email"])
            cleaned["contact_email"] = data["contact_email"]
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if "languages" in data:
        cleaned["languages"] = language_codes(data["languages"], "languages", errors)
    if "network" in data:
        cleaned["network"] = data["network"]
        if instance is not None and data["network"] is not None and data["network"].pk == instance.pk:
            errors["network"] = [_("An organisation cannot be its own network.")]
    return cleaned


@transaction.atomic
def organisation_add(*, actor, **data) -> Organisation:
    require(actor, "civilsociety.manage")
    errors: dict = {}
    follows = data.pop("follows", None)
    cleaned = _clean(data, errors)
    if not errors and Organisation.objects.filter(name__iexact=cleaned["name"], country=cleaned["country"]).exists():
        errors["name"] = [_("%(name)s is already registered.") % {"name": cleaned["name"]}]
    if errors:
        raise ValidationError(errors)
    organisation = author(Organisation(**cleaned), actor)
    organisation.save()
    if follows:
        organisation.follows.set(follows)
    audit_record(
        actor=actor,
        action="civilsociety.organisation.added",
        target=organisation,
        data={"country": organisation.country, "kind": organisation.kind},
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: dict) -> Organisation:
    require(actor, "civilsociety.manage")
    errors: dict = {}
    follows = data.pop("follows", None)
    cleaned = _clean(data, errors, organisation)
    if errors:
        raise ValidationError(errors)
    for key, value in cleaned.items():
        setattr(organisation, key, value)
    author(organisation, actor).save()
    if follows is not None:
        organisation.follows.set(follows)
    audit_record(
        actor=actor,
        action="civilsociety.organisation.updated",
        target=organisation,
        data={"fields": sorted([*cleaned, *(["follows"] if follows is not None else [])])},
    )
    return organisation


def member_invite(
    *, actor, organisation: Organisation, email: str, language: str = "", first_name: str = "", last_name: str = ""
) -> Sent:
    """Invite a person to join an organisation: an account in the civil-society role, opened by a
    one-time link that expires (accounts.invitations); no password travels by e-mail. An address
    that belongs to a member of another organisation, or to a staff account, is refused."""
    require(actor, "civilsociety.manage")
    email = User.objects.normalize_email((email or "").strip())
    language = language or (organisation.languages[0] if organisation.languages else "en")
    if language not in ("en", "fr", "nl"):
        language = "en"
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).select_related("membership__organisation").first()
        if existing is not None:
            membership = getattr(existing, "membership", None)
            if membership is not None and membership.organisation_id != organisation.pk:
                raise ValidationError(
                    {
                        "email": [
                            _(
                                "%(email)s is already a member of %(organisation)s; "
                                "a person belongs to one organisation."
                            )
                            % {"email": email, "organisation": membership.organisation}
                        ]
                    }
                )
            if membership is None and existing.role != Role.CIVIL_SOCIETY:
                raise ValidationError(
                    {
                        "email": [
                            _("%(email)s already has an account at naptrack; invite another address.")
                            % {"email": email}
                        ]
                    }
                )
        sent = user_invite(
            actor=actor,
            email=email,
            role=Role.CIVIL_SOCIETY,
            language=language,
            first_name=first_name,
            last_name=last_name,
            for_organisation=True,
        )
        Member.objects.get_or_create(user=sent.user, defaults={"organisation": organisation})
        audit_record(
            actor=actor,
            action="civilsociety.member.invited",
            target=organisation,
            data={"email": email, "user": sent.user.pk},
        )
    return sent
