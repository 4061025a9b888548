"""Answers: list with filters, read (ETag), change with If-Match, history."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api import StrictFields, query_filters

from .. import access, services
from ..models import (
    Answer,
)
from ..texts import field_limit
from .shared import ASSESSMENT_PK, IF_MATCH, InAssessment, etag, if_match

LEGAL_LIMITS = services.LEGAL_REFERENCE_LIMITS


class LegalReferenceSerializer(serializers.Serializer):
    instrument = serializers.CharField(max_length=LEGAL_LIMITS["instrument"])
    article = serializers.CharField(max_length=LEGAL_LIMITS["article"], allow_blank=True, required=False)
    adopted_on = serializers.CharField(
        max_length=LEGAL_LIMITS["adopted_on"], allow_blank=True, required=False
    )
    url = serializers.CharField(max_length=LEGAL_LIMITS["url"], allow_blank=True, required=False)


class AnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    requirement = serializers.CharField(source="item.requirement.code", read_only=True)
    legal_references = LegalReferenceSerializer(many=True, required=False)
    evidence: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    assignee: Any = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Answer
        fields = [
            "item",
            "requirement",
            "kind",
            "status",
            "narrative",
            "justification",
            "legal_references",
            "assignee",
            "evidence",
            "carried_over",
            "version",
            "updated_at",
        ]
        read_only_fields = ["kind", "carried_over", "version", "updated_at"]


class AnswerWriteSerializer(StrictFields, serializers.Serializer):
    also_read_only = ("item", "requirement", "kind", "carried_over", "version", "updated_at")

    status = serializers.CharField(required=False)
    narrative = serializers.CharField(
        required=False, allow_blank=True, max_length=field_limit(Answer, "narrative")
    )
    justification = serializers.CharField(
        required=False, allow_blank=True, max_length=field_limit(Answer, "justification")
    )
    # Checked row by row by the service (blank rows are dropped); LegalReferenceSerializer has the limits.
    legal_references = serializers.ListField(child=serializers.DictField(), required=False)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    evidence = serializers.ListField(child=serializers.IntegerField(), required=False)

    def validate_legal_references(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        known = set(LegalReferenceSerializer().fields)
        for n, reference in enumerate(value, start=1):
            unknown = sorted(set(reference) - known)
            if unknown:
                raise ValidationError(
                    _("Reference %(n)s: these fields are not accepted: %(fields)s.")
                    % {"n": n, "fields": ", ".join(unknown)}
                )
        return value


class HistorySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_type = serializers.CharField()
    user = serializers.SerializerMethodField()
    reason = serializers.CharField(source="history_change_reason", allow_null=True)
    status = serializers.CharField()
    narrative = serializers.CharField()
    justification = serializers.CharField()
    version = serializers.IntegerField()

    def get_user(self, obj: Any) -> str | None:
        user = obj.history_user
        return (user.email or user.username) if user else None


class AnswerFilters(serializers.Serializer):
    requirement = serializers.RegexField(
        r"^[0-9]{1,3}\.[0-9]{1,3}$",
        required=False,
        allow_blank=True,
        max_length=7,
        help_text="requirement code, e.g. 1.4",
        error_messages={"invalid": gettext_lazy("Give a requirement code such as 1.4.")},
    )
    status = serializers.ChoiceField(choices=Answer.Status.choices, required=False, allow_blank=True)
    assigned_to_me = serializers.BooleanField(required=False)


@extend_schema_view(
    list=extend_schema(summary="Answers of an assessment", parameters=[ASSESSMENT_PK, AnswerFilters]),
    retrieve=extend_schema(summary="One answer (its ETag is its version)", parameters=[ASSESSMENT_PK]),
)
class AnswerViewSet(InAssessment, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AnswerSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "item__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = r"[0-9]+\.[0-9]+\.[A-Z]{1,2}[0-9]+"

    def get_queryset(self) -> QuerySet[Answer]:
        if self.fake():
            return Answer.objects.none()
        qs = (
            Answer.objects.filter(assessment=self.assessment())
            .select_related("item__requirement")
            .prefetch_related("evidence")
        )
        filters = query_filters(self.request, AnswerFilters)
        if "requirement" in filters:
            qs = qs.filter(item__requirement__code=filters["requirement"])
        if "status" in filters:
            qs = qs.filter(status=filters["status"])
        if filters.get("assigned_to_me"):
            qs = qs.filter(assignee_id=self.request.user.pk)
        return qs

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        answer = self.get_object()
        return Response(self.get_serializer(answer).data, headers={"ETag": etag(answer.version)})

    @extend_schema(
        summary="Change an answer (If-Match required)",
        parameters=[ASSESSMENT_PK, IF_MATCH],
        request=AnswerWriteSerializer,
        responses={200: AnswerSerializer, 412: AnswerSerializer, 428: OpenApiTypes.OBJECT},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        answer = self.get_object()
        self.writable_assessment()
        base = if_match(request)
        body = AnswerWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = {k: v for k, v in body.validated_data.items() if k != "evidence"}
        try:
            saved = services.save_answer(
                answer_id=answer.pk,
                by=access.signed_in(request.user),
                base_version=base,
                changes=changes,
                evidence_ids=body.validated_data.get("evidence"),
            )
        except services.Conflict as conflict:
            return self.versioned(conflict.current.pk, status.HTTP_412_PRECONDITION_FAILED)
        return self.versioned(saved.pk)

    @extend_schema(
        summary="History of an answer", parameters=[ASSESSMENT_PK], responses=HistorySerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        answer = self.get_object()
        records = answer.history.select_related("history_user").order_by("-history_date", "-history_id")[:200]
        return Response(HistorySerializer(records, many=True).data)
