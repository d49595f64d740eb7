"""The API's bodies for international reporting: frameworks and their questions, links to the plans,
requests, answers, sent versions and targeted questions.

As in serializers.py, request serializers check shapes and types only; what the data means (a
total not smaller than its parts, a due date not in the past, a known department) is the
services' job, so that the screens, the command line and the API refuse the same input."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from naptrack.api.serializers import INT_MAX, ErrorSerializer
from naptrack.international.models import Body, Mapping, Question, Request, TargetedQuestion

ID_MAX = 2**63 - 1
# Long enough for any text the services accept; the services name their own limits in their messages.
TEXT_LIMIT = 100_000


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# --- frameworks, questions, links -----------------------------------------------------------------


class MappingSerializer(serializers.Serializer):
    """A question's link to a monitoring instrument or to a whole line of action."""

    id = serializers.IntegerField()
    question = serializers.IntegerField(source="question_id")
    instrument = serializers.IntegerField(source="instrument_id", allow_null=True, help_text=_("Instrument id."))
    action = serializers.IntegerField(
        source="action_id", allow_null=True, help_text=_("Id of the line of action, for a link to a whole line.")
    )
    plan = serializers.SerializerMethodField(help_text=_("Plan slug."))
    line = serializers.SerializerMethodField(help_text=_("Code of the line of action."))
    text = serializers.SerializerMethodField(help_text=_("The instrument's text, or the line's."))
    origin = serializers.ChoiceField(choices=Mapping.Origin.choices)
    score = serializers.FloatField(allow_null=True, help_text=_("The suggestion's score, for a confirmed suggestion."))
    created_at = serializers.DateTimeField()

    @staticmethod
    def _line(mapping):
        return mapping.instrument.action if mapping.instrument_id else mapping.action

    def get_plan(self, mapping) -> str:
        return self._line(mapping).plan.slug

    def get_line(self, mapping) -> str:
        return self._line(mapping).code

    def get_text(self, mapping) -> str:
        return mapping.instrument.text if mapping.instrument_id else mapping.action.text


class MappingCreateSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=_("Question id."))
    instrument = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX, help_text=_("Instrument id.")
    )
    action = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=ID_MAX,
        help_text=_("Id of a line of action: give either an instrument or a line."),
    )


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    framework = serializers.IntegerField(source="framework_id")
    code = serializers.CharField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    group = serializers.CharField(allow_blank=True, help_text=_("A pillar or chapter."))
    kind = serializers.ChoiceField(choices=Question.Kind.choices, help_text=_("The kind of answer it wants."))
    mappings = MappingSerializer(many=True, source="mappings.all", help_text=_("Its links to the plans."))


class FrameworkCountsSerializer(serializers.Serializer):
    questions = serializers.IntegerField()
    linked = serializers.IntegerField(help_text=_("Questions linked to at least one instrument or line."))
    requests = serializers.IntegerField()


class FrameworkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    body = serializers.ChoiceField(choices=Body.choices)
    name = serializers.CharField()
    version = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True, help_text=_("The document the questions come from."))
    created_at = serializers.DateTimeField()
    counts = serializers.SerializerMethodField()

    @extend_schema_field(FrameworkCountsSerializer)
    def get_counts(self, framework) -> dict:
        return {"questions": framework.n_questions, "linked": framework.n_mapped, "requests": framework.n_requests}


class FrameworkDetailSerializer(FrameworkSerializer):
    questions = QuestionSerializer(many=True, source="questions.all")


# --- requests, answers, sent versions -------------------------------------------------------------


class CompletenessSerializer(serializers.Serializer):
    questions = serializers.IntegerField()
    answered = serializers.IntegerField(help_text=_("Answers with a text, a figure or a yes/no."))
    flagged = serializers.IntegerField(help_text=_("Questions with nothing reported behind them."))
    sent = serializers.IntegerField(help_text=_("Versions sent."))


class DispatchSerializer(serializers.Serializer):
    """A version of the answers as it was sent: frozen."""

    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    version = serializers.IntegerField()
    sent_on = serializers.DateField()
    sent_to = serializers.CharField()
    reference = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()

    def get_created_by(self, dispatch) -> str | None:
        return _username(dispatch.created_by)


class DispatchDetailSerializer(DispatchSerializer):
    content = serializers.JSONField(
        help_text=_("The answers as sent: framework, request, version and each answer in the questions' order.")
    )


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    framework = serializers.IntegerField(source="framework_id")
    framework_code = serializers.CharField(source="framework.code")
    framework_name = serializers.CharField(source="framework.__str__")
    body = serializers.ChoiceField(choices=Body.choices, source="framework.body")
    reference = serializers.CharField(allow_blank=True)
    received_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField()
    period_start = serializers.IntegerField()
    period_end = serializers.IntegerField()
    period = serializers.CharField(help_text=_("2014, or 2013-2014."))
    handler = serializers.SerializerMethodField(help_text=_("Username of the person handling it."))
    visibility = serializers.ChoiceField(choices=Request.Visibility.choices)
    published_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text=_("The version being edited: one more than the versions sent."))
    completeness = serializers.SerializerMethodField()

    def get_handler(self, request) -> str | None:
        return _username(request.handler)

    @extend_schema_field(CompletenessSerializer)
    def get_completeness(self, request) -> dict:
        return {
            "questions": request.n_questions,
            "answered": request.n_answered,
            "flagged": request.n_flagged,
            "sent": request.n_sent,
        }


class RequestDetailSerializer(RequestSerializer):
    dispatches = DispatchSerializer(many=True, source="dispatches.all", help_text=_("The versions sent."))


class RequestCreateSerializer(serializers.Serializer):
    framework = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=_("Framework id."))
    period_start = serializers.IntegerField(min_value=0, max_value=32767, help_text=_("The first year covered."))
    period_end = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=32767,
        help_text=_("The last year (default: the first)."),
    )
    due_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200)
    received_on = serializers.DateField(required=False, allow_null=True)


class AnswerQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    group = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Question.Kind.choices)


class AskedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code", help_text=_("Department code."))
    state = serializers.ChoiceField(choices=TargetedQuestion.State.choices)
    due_on = serializers.DateField()


class AnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    question = AnswerQuestionSerializer()
    draft = serializers.JSONField(
        help_text=_(
            "What the data said when the answer was drafted: figures summed by sex with each department's "
            "share, quotes with their department and line, focus countries and sources."
        )
    )
    flagged = serializers.BooleanField(help_text=_("Nothing reported behind the question."))
    text = serializers.CharField(allow_blank=True)
    women = serializers.IntegerField(allow_null=True)
    men = serializers.IntegerField(allow_null=True)
    other = serializers.IntegerField(allow_null=True)
    total = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True, coerce_to_string=False)
    yes = serializers.BooleanField(allow_null=True)
    edited = serializers.BooleanField(help_text=_("Changed by hand: it no longer follows the draft."))
    version = serializers.IntegerField(help_text=_("Send it back with a change: a stale one gets 409."))
    updated_at = serializers.DateTimeField()
    updated_by = serializers.SerializerMethodField()
    targeted_questions = AskedSerializer(many=True, source="targeted_questions.all")

    def get_updated_by(self, answer) -> str | None:
        return _username(answer.updated_by)


class AnswerUpdateSerializer(serializers.Serializer):
    """A change to an answer: only the fields given change."""

    version = serializers.IntegerField(
        min_value=1, max_value=INT_MAX, help_text=_("Required: the version the change was made on.")
    )
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=TEXT_LIMIT)
    women = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=INT_MAX)
    men = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=INT_MAX)
    other = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=INT_MAX)
    total = serializers.DecimalField(
        required=False, allow_null=True, max_digits=16, decimal_places=4, coerce_to_string=False
    )
    yes = serializers.BooleanField(required=False, allow_null=True)


class AnswerConflictSerializer(ErrorSerializer):
    version = serializers.IntegerField(required=False, help_text=_("The answer's current version."))
    current = AnswerSerializer(required=False, help_text=_("The answer as it is now."))


# --- targeted questions ---------------------------------------------------------------------------


class TargetedQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    answer = serializers.IntegerField(source="answer_id")
    request = serializers.IntegerField(source="answer.request_id")
    framework = serializers.CharField(source="answer.request.framework.code", help_text=_("Framework code."))
    question_code = serializers.CharField(source="answer.question.code")
    question = serializers.CharField(source="answer.question.text", help_text=_("The framework's question."))
    department = serializers.CharField(source="department.code", help_text=_("Department code."))
    text = serializers.CharField(help_text=_("What the department is asked."))
    due_on = serializers.DateField()
    state = serializers.ChoiceField(choices=TargetedQuestion.State.choices)
    reply = serializers.CharField(allow_blank=True)
    women = serializers.IntegerField(allow_null=True)
    men = serializers.IntegerField(allow_null=True)
    other = serializers.IntegerField(allow_null=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True, coerce_to_string=False)
    review_note = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(help_text=_("Send it back with a change: a stale one gets 409."))
    asked_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)


class TargetedAskSerializer(serializers.Serializer):
    answer = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=_("Id of the answer asked about."))
    department = serializers.CharField(max_length=100, help_text=_("Department code."))
    due_on = serializers.DateField()
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMIT, help_text=_("Default: the framework's question.")
    )


class TargetedUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=INT_MAX, help_text=_("Required: the version the change was made on.")
    )
    reply = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=TEXT_LIMIT)
    women = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=INT_MAX)
    men = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=INT_MAX)
    other = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=INT_MAX)
    value = serializers.DecimalField(
        required=False, allow_null=True, max_digits=16, decimal_places=4, coerce_to_string=False
    )


class TargetedConflictSerializer(ErrorSerializer):
    version = serializers.IntegerField(required=False, help_text=_("The targeted question's current version."))
    current = TargetedQuestionSerializer(
        required=False, help_text=_("The targeted question as it is now (for a stale version).")
    )
