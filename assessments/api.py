"""REST API for assessments: the same services and visibility rules as the pages.

Writes to versioned rows (answers, operational data) need ``If-Match`` with the row's ETag:
428 without it, 412 when it is stale (the body then carries the current row).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from framework.models import DisaggregationCategory, Framework, Item, Requirement, TechnicalAssistanceArea
from portal.api import StrictFields, query_filters, refuse_unknown_fields

from . import access, services
from .models import (
    Answer,
    Assessment,
    Country,
    Evidence,
    Finding,
    FindingReply,
    NationalMeasure,
    OperationalData,
    TechnicalAssistanceNeed,
    Transition,
    is_reviewer,
)
from .texts import field_limit

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version you edited",
)


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag of the version you edited."
    default_code = "precondition_required"


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(request: Request) -> int:
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        raise PreconditionRequired()
    value = raw.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationError({"If-Match": "Not an ETag of this API."})
    return int(value)


# --- serializers ---------------------------------------------------------------------------------


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


class BreakdownSerializer(serializers.Serializer):
    dimension = serializers.CharField(source="category.dimension.code", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    value = serializers.IntegerField(read_only=True)


class OperationalDataSerializer(StrictFields, serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Item.objects.none())
    breakdowns = BreakdownSerializer(many=True, read_only=True)

    class Meta:
        model = OperationalData
        fields = [
            "id",
            "indicator",
            "period",
            "value_count",
            "value_amount",
            "currency",
            "value_bool",
            "value_text",
            "source",
            "method",
            "not_collected",
            "not_collected_reason",
            "breakdowns",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]


class EvidenceSerializer(StrictFields, serializers.ModelSerializer):
    file = serializers.FileField(write_only=True, required=False)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "url",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download",
        ]
        read_only_fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        extra_kwargs = {"title": {"required": False}}

    def get_download(self, obj: Evidence) -> str | None:
        return obj.get_absolute_url() if obj.kind == Evidence.Kind.FILE else None


class NationalMeasureSerializer(StrictFields, serializers.ModelSerializer):
    requirement = serializers.SlugRelatedField(slug_field="code", queryset=Requirement.objects.none())

    class Meta:
        model = NationalMeasure
        fields = [
            "id",
            "requirement",
            "title",
            "description",
            "responsible_body",
            "timeline",
            "budget",
            "currency",
            "status",
            "updated_at",
        ]


class TechnicalAssistanceNeedSerializer(StrictFields, serializers.ModelSerializer):
    requirement = serializers.SlugRelatedField(slug_field="code", queryset=Requirement.objects.none())
    item = serializers.SlugRelatedField(
        slug_field="code", queryset=Item.objects.none(), required=False, allow_null=True
    )
    area = serializers.SlugRelatedField(slug_field="code", queryset=TechnicalAssistanceArea.objects.all())

    class Meta:
        model = TechnicalAssistanceNeed
        fields = ["id", "requirement", "item", "area", "priority", "description", "status", "updated_at"]


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


# --- views ---------------------------------------------------------------------------------------


class InAssessment:
    """Everything under /assessments/<id>/ belongs to an assessment the user can see (else 404)."""

    kwargs: dict[str, Any]
    request: Any

    def assessment(self) -> Assessment:
        if not hasattr(self, "_assessment"):
            self._assessment = access.visible_assessment(self.request.user, self.kwargs["assessment_pk"])
        return self._assessment

    def writable_assessment(self) -> Assessment:
        assessment = self.assessment()
        try:
            access.require_write(self.request.user, assessment)
        except DjangoPermissionDenied as exc:
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(str(exc)) from None
        return assessment

    def fake(self) -> bool:
        return bool(getattr(self, "swagger_fake_view", False))

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # Write rights before validation: an observer learns "not allowed", not what the body lacked.
        if request.method not in SAFE_METHODS and "assessment_pk" in self.kwargs and not self.fake():
            self.writable_assessment()


ASSESSMENT_PK = OpenApiParameter("assessment_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = Transition
        fields = ["from_state", "to_state", "by", "at", "comment"]

    def get_by(self, obj: Transition) -> str:
        return obj.by.email or obj.by.username


class StepSerializer(StrictFields, serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=field_limit(Transition, "comment")
    )
    confirm_open = serializers.BooleanField(required=False, default=False)


def _step(name: str, attr: str, url_path: str, summary: str) -> Any:
    """A POST endpoint taking workflow step ``name``; DRF wants its function named as its attribute."""

    def step(self: Any, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        if not access.may_take(request.user, assessment, name):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Your role does not allow this step.")
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.transition(
            assessment_id=assessment.pk,
            by=request.user,
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
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Only the country's national coordinator can start an assessment.")
        assessment = services.create_assessment(
            country=country,
            cycle=serializer.validated_data["cycle"],
            framework=serializer.validated_data["framework"],
            prefill_from=serializer.validated_data.get("previous"),
            by=request.user,
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


class DataFilters(serializers.Serializer):
    indicator = serializers.RegexField(
        r"^[0-9]{1,3}\.[0-9]{1,3}\.[A-Z]{1,2}[0-9]{1,3}$",
        required=False,
        allow_blank=True,
        max_length=14,
        help_text="operational indicator code, e.g. 1.4.OI2",
        error_messages={"invalid": gettext_lazy("Give an indicator code such as 1.4.OI2.")},
    )


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
                by=request.user,
                base_version=base,
                changes=changes,
                evidence_ids=body.validated_data.get("evidence"),
            )
        except services.Conflict as conflict:
            current = self.get_queryset().get(pk=conflict.current.pk)
            return Response(
                self.get_serializer(current).data,
                status=status.HTTP_412_PRECONDITION_FAILED,
                headers={"ETag": etag(current.version)},
            )
        fresh = self.get_queryset().get(pk=saved.pk)
        return Response(self.get_serializer(fresh).data, headers={"ETag": etag(fresh.version)})

    @extend_schema(
        summary="History of an answer", parameters=[ASSESSMENT_PK], responses=HistorySerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        answer = self.get_object()
        records = answer.history.select_related("history_user").order_by("-history_date", "-history_id")[:200]
        return Response(HistorySerializer(records, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Operational data of an assessment",
        parameters=[ASSESSMENT_PK, DataFilters],
    ),
    retrieve=extend_schema(summary="One value (its ETag is its version)", parameters=[ASSESSMENT_PK]),
    create=extend_schema(summary="Record a value for a year", parameters=[ASSESSMENT_PK]),
)
class OperationalDataViewSet(
    InAssessment,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OperationalDataSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[OperationalData]:
        if self.fake():
            return OperationalData.objects.none()
        qs = (
            OperationalData.objects.filter(assessment=self.assessment())
            .select_related("indicator")
            .prefetch_related("breakdowns__category__dimension")
        )
        filters = query_filters(self.request, DataFilters)
        if "indicator" in filters:
            qs = qs.filter(indicator__code=filters["indicator"])
        return qs

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer: Any = super().get_serializer(*args, **kwargs)
        if not self.fake() and "indicator" in getattr(serializer, "fields", {}):
            serializer.fields["indicator"].queryset = Item.objects.filter(
                framework_id=self.assessment().framework_id, kind=Item.Kind.OPERATIONAL_INDICATOR
            )
        return serializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        return Response(self.get_serializer(row).data, headers={"ETag": etag(row.version)})

    def _save(self, request: Request, *, indicator: Item, period: int, base: int | None) -> Response:
        data: Any = request.data
        values = {f: data[f] for f in services.DATA_FIELDS if f in data}
        try:
            row = services.save_data(
                assessment=self.writable_assessment(),
                indicator=indicator,
                period=period,
                by=request.user,
                base_version=base,
                values=values,
            )
        except services.Conflict as conflict:
            if base is None or conflict.current is None:
                raise ValidationError(
                    {"period": "A value for this year exists already; change it instead."}
                ) from None
            current = self.get_queryset().get(pk=conflict.current.pk)
            return Response(
                self.get_serializer(current).data, status=412, headers={"ETag": etag(current.version)}
            )
        fresh = self.get_queryset().get(pk=row.pk)
        code = status.HTTP_201_CREATED if base is None else status.HTTP_200_OK
        return Response(self.get_serializer(fresh).data, status=code, headers={"ETag": etag(fresh.version)})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._save(
            request,
            indicator=serializer.validated_data["indicator"],
            period=serializer.validated_data["period"],
            base=None,
        )

    @extend_schema(summary="Change a value (If-Match required)", parameters=[ASSESSMENT_PK, IF_MATCH])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        self.writable_assessment()
        # The indicator and year are the row's identity: a change of value only.
        refuse_unknown_fields(
            request.data,
            writable=services.DATA_FIELDS,
            read_only=set(OperationalDataSerializer.Meta.fields) - set(services.DATA_FIELDS),
        )
        return self._save(request, indicator=row.indicator, period=row.period, base=if_match(request))

    @extend_schema(
        summary="Replace a count's breakdown (If-Match required)",
        parameters=[ASSESSMENT_PK, IF_MATCH],
        request={"application/json": {"type": "object", "additionalProperties": {"type": "object"}}},
    )
    @action(detail=True, methods=["put"])
    def breakdowns(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Body: {"sex": {"female": 60, "male": 35}, "age": {...}} by dimension and category code."""
        row = self.get_object()
        self.writable_assessment()
        base = if_match(request)
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": "Send an object of dimensions."})
        categories = {
            (c.dimension.code, c.code): c.pk
            for c in DisaggregationCategory.objects.select_related("dimension")
        }
        parts: dict[int, Any] = {}
        for dimension, values in request.data.items():
            if not isinstance(values, dict):
                raise ValidationError({dimension: "Send an object of categories."})
            for category, value in values.items():
                if (dimension, category) not in categories:
                    raise ValidationError({dimension: f"Unknown category {category!r}."})
                parts[categories[(dimension, category)]] = value
        try:
            services.set_breakdowns(data_id=row.pk, by=request.user, base_version=base, parts=parts)
        except services.Conflict:
            current = self.get_queryset().get(pk=row.pk)
            return Response(
                self.get_serializer(current).data, status=412, headers={"ETag": etag(current.version)}
            )
        fresh = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer(fresh).data, headers={"ETag": etag(fresh.version)})


@extend_schema_view(
    list=extend_schema(summary="The evidence library", parameters=[ASSESSMENT_PK]),
    retrieve=extend_schema(summary="A piece of evidence", parameters=[ASSESSMENT_PK]),
    create=extend_schema(
        summary="Upload a file (multipart) or add a link (JSON)", parameters=[ASSESSMENT_PK]
    ),
    destroy=extend_schema(summary="Remove evidence no answer cites", parameters=[ASSESSMENT_PK]),
)
class EvidenceViewSet(
    InAssessment,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EvidenceSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[Evidence]:
        if self.fake():
            return Evidence.objects.none()
        return Evidence.objects.filter(assessment=self.assessment())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.writable_assessment()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("file"):
            evidence = services.add_file_evidence(
                assessment=assessment,
                by=request.user,
                upload=data["file"],
                title=data.get("title", ""),
                description=data.get("description", ""),
            )
        else:
            evidence = services.add_link_evidence(
                assessment=assessment,
                by=request.user,
                url=data.get("url", ""),
                title=data.get("title", ""),
                description=data.get("description", ""),
            )
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        evidence = self.get_object()
        self.writable_assessment()
        services.delete_evidence(evidence=evidence, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


nested_schema = extend_schema_view(
    **{
        name: extend_schema(parameters=[ASSESSMENT_PK])
        for name in ("list", "retrieve", "create", "partial_update", "destroy")
    }
)


class _RequirementScoped(InAssessment, viewsets.ModelViewSet):
    """National measures and TA needs: per requirement, saved through their service."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        if not self.fake() and "requirement" in fields:
            fw = self.assessment().framework_id
            fields["requirement"].queryset = Requirement.objects.filter(framework_id=fw)
            if "item" in fields:
                fields["item"].queryset = Item.objects.filter(framework_id=fw, kind__in=Item.ASSESSED_KINDS)
        return serializer

    def save_instance(self, instance: Any) -> Any:
        raise NotImplementedError

    def perform_create(self, serializer: Any) -> None:
        self._perform_save(serializer, assessment=self.writable_assessment())

    def perform_update(self, serializer: Any) -> None:
        self.writable_assessment()
        self._perform_save(serializer)

    def _perform_save(self, serializer: Any, **extra: Any) -> None:
        instance = serializer.instance or serializer.Meta.model()
        for field, value in {**serializer.validated_data, **extra}.items():
            setattr(instance, field, value)
        serializer.instance = self.save_instance(instance)

    def delete_instance(self, instance: Any) -> None:
        raise NotImplementedError

    def perform_destroy(self, instance: Any) -> None:
        self.writable_assessment()
        self.delete_instance(instance)


@nested_schema
class NationalMeasureViewSet(_RequirementScoped):
    serializer_class = NationalMeasureSerializer

    def get_queryset(self) -> QuerySet[NationalMeasure]:
        if self.fake():
            return NationalMeasure.objects.none()
        return NationalMeasure.objects.filter(assessment=self.assessment()).select_related(
            "requirement", "assessment"
        )

    def save_instance(self, instance: Any) -> Any:
        return services.save_national_measure(measure=instance, by=self.request.user)

    def delete_instance(self, instance: Any) -> None:
        services.delete_national_measure(measure=instance, by=self.request.user)


@nested_schema
class TechnicalAssistanceNeedViewSet(_RequirementScoped):
    serializer_class = TechnicalAssistanceNeedSerializer

    def get_queryset(self) -> QuerySet[TechnicalAssistanceNeed]:
        if self.fake():
            return TechnicalAssistanceNeed.objects.none()
        return TechnicalAssistanceNeed.objects.filter(assessment=self.assessment()).select_related(
            "requirement", "item", "area", "assessment"
        )

    def save_instance(self, instance: Any) -> Any:
        return services.save_ta_need(need=instance, by=self.request.user)

    def delete_instance(self, instance: Any) -> None:
        services.delete_ta_need(need=instance, by=self.request.user)


# --- submission and review -----------------------------------------------------------------------


class FindingReplySerializer(StrictFields, serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = FindingReply
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = ["id", "author", "created_at"]

    def get_author(self, obj: FindingReply) -> str:
        return obj.author.email or obj.author.username


class FindingSerializer(StrictFields, serializers.ModelSerializer):
    requirement = serializers.SlugRelatedField(slug_field="code", queryset=Requirement.objects.none())
    item = serializers.SlugRelatedField(
        slug_field="code", queryset=Item.objects.none(), required=False, allow_null=True
    )
    replies = FindingReplySerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "requirement",
            "item",
            "text",
            "rating",
            "status",
            "created_at",
            "resolved_at",
            "replies",
        ]
        read_only_fields = ["id", "status", "created_at", "resolved_at"]


@extend_schema_view(
    list=extend_schema(summary="Review findings of an assessment", parameters=[ASSESSMENT_PK]),
    retrieve=extend_schema(summary="A finding with its replies", parameters=[ASSESSMENT_PK]),
    create=extend_schema(summary="Write a finding (reviewer)", parameters=[ASSESSMENT_PK]),
)
class FindingViewSet(
    InAssessment,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FindingSerializer
    permission_classes = [IsAuthenticated]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        # Findings and replies have their own rights (reviewers write findings); skip the team-write check.
        viewsets.GenericViewSet.initial(self, request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Finding]:
        if self.fake():
            return Finding.objects.none()
        return (
            Finding.objects.filter(assessment=self.assessment())
            .select_related("requirement", "item")
            .prefetch_related("replies__author")
            .order_by("status", "created_at")
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer: Any = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        if not self.fake() and "requirement" in fields:
            fw = self.assessment().framework_id
            fields["requirement"].queryset = Requirement.objects.filter(framework_id=fw)
            fields["item"].queryset = Item.objects.filter(framework_id=fw)
        return serializer

    def _reviewer(self) -> None:
        if not is_reviewer(self.request.user):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Only UNODC reviewers may do this.")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.assessment()
        self._reviewer()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        finding = services.add_finding(
            assessment=assessment,
            by=request.user,
            requirement=data["requirement"],
            item=data.get("item"),
            text=data.get("text", ""),
            rating=data.get("rating", ""),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=finding.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Reply to a finding",
        parameters=[ASSESSMENT_PK],
        request=FindingReplySerializer,
        responses=FindingReplySerializer,
    )
    @action(detail=True, methods=["post"])
    def replies(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        finding = self.get_object()
        if not access.can_reply(request.user, self.assessment()):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Only the country's team and UNODC reviewers reply to findings.")
        refuse_unknown_fields(
            request.data, writable=["text"], read_only=FindingReplySerializer.Meta.read_only_fields
        )
        body = FindingReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reply = services.reply_to_finding(finding=finding, by=request.user, text=body.validated_data["text"])
        return Response(FindingReplySerializer(reply).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark resolved (reviewer)",
        parameters=[ASSESSMENT_PK],
        request=None,
        responses=FindingSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._set(resolved=True)

    @extend_schema(
        summary="Reopen (reviewer)", parameters=[ASSESSMENT_PK], request=None, responses=FindingSerializer
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._set(resolved=False)

    def _set(self, *, resolved: bool) -> Response:
        finding = self.get_object()
        self._reviewer()
        services.set_finding_status(finding=finding, by=self.request.user, resolved=resolved)
        return Response(self.get_serializer(self.get_queryset().get(pk=finding.pk)).data)
