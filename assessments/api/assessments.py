"""Assessments: list, read, start one (national coordinator), and one endpoint per workflow step."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from framework.models import Framework
from portal.api import StrictFields

from .. import access, services
from ..models import (
    Assessment,
    Country,
    Transition,
)
from ..texts import field_limit


class PrefillSourceField(serializers.PrimaryKeyRelatedField):
    """An assessment of one of the user's own countries; any other id, existing or not, is refused
    with the same message as a missing one."""

    default_error_messages = {"does_not_exist": services.PREFILL_REFUSED}

    def get_queryset(self) -> QuerySet[Assessment]:
        request = self.context.get("request")
        if request is None:
            return Assessment.objects.none()
        return Assessment.objects.filter(country__in=Country.objects.of_user(request.user))


class AssessmentSerializer(StrictFields, serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="code", queryset=Country.objects.all())
    framework = serializers.SlugRelatedField(slug_field="code", queryset=Framework.objects.all())
    prefill_from = PrefillSourceField(source="previous", required=False, allow_null=True)
    item_count = serializers.IntegerField(read_only=True)
    answered_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "country",
            "cycle",
            "framework",
            "state",
            "prefill_from",
            "item_count",
            "answered_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["state", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        previous = attrs.get("previous")
        if previous is not None and previous.country_id != attrs["country"].pk:
            raise ValidationError({"prefill_from": [services.PREFILL_REFUSED]})
        return attrs


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = Transition
        fields = ["from_state", "to_state", "by", "at", "comment", "items_open"]

    def get_by(self, obj: Transition) -> str:
        return obj.by.email or obj.by.username


class StepSerializer(StrictFields, serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=field_limit(Transition, "comment")
    )
    confirm_open = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Submit, or accept, although some items are not yet assessed (the timeline records it).",
    )


def _step(name: str, attr: str, url_path: str, summary: str) -> Any:
    """A POST endpoint taking workflow step ``name``; DRF wants its function named as its attribute."""

    def step(self: Any, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        if not access.may_take(request.user, assessment, name):
            raise PermissionDenied("Your role does not allow this step.")
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.transition(
            assessment_id=assessment.pk,
            by=access.signed_in(request.user),
            action=name,
            comment=body.validated_data.get("comment", ""),
            confirm_open=body.validated_data["confirm_open"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data)

    step.__name__ = attr
    routed = action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(step)
    return extend_schema(
        summary=summary,
        request=StepSerializer,
        responses={200: AssessmentSerializer, 409: OpenApiTypes.OBJECT},
    )(routed)


@extend_schema_view(
    list=extend_schema(summary="Assessments you can see"),
    retrieve=extend_schema(summary="An assessment with its progress"),
    create=extend_schema(summary="Start an assessment (national coordinator)"),
)
class AssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = AssessmentSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Assessment]:
        return (
            Assessment.objects.visible_to(self.request.user)
            .with_progress()
            .select_related("country", "framework")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        country = serializer.validated_data["country"]
        if not access.is_coordinator(request.user, country):
            raise PermissionDenied("Only the country's national coordinator can start an assessment.")
        assessment = services.create_assessment(
            country=country,
            cycle=serializer.validated_data["cycle"],
            framework=serializer.validated_data["framework"],
            prefill_from=serializer.validated_data.get("previous"),
            by=access.signed_in(request.user),
        )
        out = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(out).data, status=status.HTTP_201_CREATED)

    submit = _step("submit", "submit", "submit", "Submit to UNODC (national coordinator)")
    start_review = _step("start_review", "start_review", "start-review", "Start the review (reviewer)")
    return_to_country = _step("return", "return_to_country", "return", "Return to the country (reviewer)")
    accept = _step("accept", "accept", "accept", "Accept (reviewer)")

    @extend_schema(summary="The assessment's timeline", responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        return Response(TransitionSerializer(assessment.transitions.select_related("by"), many=True).data)
