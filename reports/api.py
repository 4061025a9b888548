"""REST API of the read side: the gap analysis, report requests and jobs, the secretariat's data.

The same visibility rules as the pages: another country's assessment is a 404, exactly as for a
missing one; the report permission is ``access.may_request_report``, as on the gap analysis page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import access
from assessments.models import Assessment, Region, is_reviewer
from portal.api import StrictFields, query_filters

from . import gap, services
from . import secretariat as sec
from .models import ReportJob
from .views import pdf_download

# --- report jobs ---------------------------------------------------------------------------------


class ReportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    progress = serializers.IntegerField()
    attempts = serializers.IntegerField()
    error = serializers.CharField()
    pages = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=ReportJob.Kind.choices, help_text="gap_pdf or gap_docx (editable Word)."
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, help_text="The language of the report.")
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    def get_url(self, job: Any) -> str:
        return f"/api/v1/report-jobs/{job.pk}/"

    def get_download(self, job: Any) -> str | None:
        return f"/api/v1/report-jobs/{job.pk}/download/" if job.state == "done" else None


class ReportRequest(StrictFields, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ReportJob.Kind.choices,
        required=False,
        default=ReportJob.Kind.GAP_PDF,
        help_text="gap_pdf (the default) or gap_docx, the same report as an editable Word document.",
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="The language to write the report in; by default the requester's.",
    )


# Registered at the assessments' prefix, so its endpoints are /assessments/<id>/gap-analysis/ and
# /assessments/<id>/reports/ with the same lookup and 404 as the assessment itself. (A comment, not a
# docstring: drf-spectacular would publish a docstring as the endpoints' description.)
class AssessmentReportViewSet(viewsets.GenericViewSet):
    serializer_class = ReportJobSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Assessment]:
        return Assessment.objects.visible_to(self.request.user).select_related("country", "framework")

    @extend_schema(
        summary="The gap analysis (see /reports/how-scores-are-computed/)", responses=OpenApiTypes.OBJECT
    )
    @action(detail=True, methods=["get"], url_path="gap-analysis", url_name="gap-analysis")
    def gap_analysis(self, request: Request, pk: str | None = None) -> Response:
        return Response(gap.gap_analysis(self.get_object()))

    @extend_schema(
        summary="Request the gap-analysis PDF (202, or 200 with the finished report when nothing changed)",
        request=ReportRequest,
        responses={200: ReportJobSerializer, 202: ReportJobSerializer},
    )
    @action(detail=True, methods=["post"], url_path="reports", url_name="request")
    def reports(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        if not access.may_request_report(request.user, assessment):
            raise PermissionDenied("Reports are requested by the national coordinator or a UNODC reviewer.")
        body = ReportRequest(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.request_report(
            assessment=assessment,
            by=access.signed_in(request.user),
            kind=body.validated_data["kind"],
            language=body.validated_data.get("language", ""),
        )
        data = ReportJobSerializer(job, context={"request": request}).data
        code = status.HTTP_200_OK if job.state == "done" else status.HTTP_202_ACCEPTED
        return Response(data, status=code, headers={"Location": data["url"]})


@extend_schema_view(retrieve=extend_schema(summary="A report job's state and progress"))
class ReportJobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportJobSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Any]:
        return ReportJob.objects.filter(assessment__in=Assessment.objects.visible_to(self.request.user))

    @extend_schema(
        summary="Download the finished PDF", responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> Any:
        return pdf_download(request, self.get_object())


# --- the secretariat -----------------------------------------------------------------------------


class SecretariatRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    country = serializers.CharField(source="country.code")
    country_name = serializers.CharField(source="country.name")
    region = serializers.CharField(source="country.region")
    cycle = serializers.IntegerField()
    state = serializers.CharField()
    item_count = serializers.IntegerField()
    answered_count = serializers.IntegerField()
    open_findings = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    last_activity = serializers.DateTimeField()
    pillars = serializers.DictField(
        child=serializers.DictField(child=serializers.FloatField(allow_null=True))
    )


class SecretariatFilters(serializers.Serializer):
    region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True)
    state = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in sec.REVIEWED_STATES], required=False, allow_blank=True
    )
    cycle = serializers.IntegerField(required=False, min_value=1, max_value=9999, help_text="year")


@extend_schema(
    summary="Secretariat dashboard data (reviewers): current reviewed assessments with their pillar matrix",
    parameters=[SecretariatFilters],
    responses=SecretariatRowSerializer(many=True),
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def secretariat_data(request: Request) -> Response:
    if not is_reviewer(request.user):
        raise PermissionDenied("Only UNODC reviewers may do this.")
    filters = query_filters(request, SecretariatFilters)
    rows, matrix = sec.filtered({name: str(value) for name, value in filters.items()})
    for row in rows:
        row.pillars = {str(k): v for k, v in matrix.get(row.pk, {}).items()}  # type: ignore[attr-defined]
    return Response(SecretariatRowSerializer(rows, many=True).data)
