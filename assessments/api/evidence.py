"""The evidence library: upload a file (multipart) or add a link; remove evidence no answer cites."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api import StrictFields

from .. import access, services
from ..models import (
    Evidence,
)
from .shared import ASSESSMENT_PK, InAssessment


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
                by=access.signed_in(request.user),
                upload=data["file"],
                title=data.get("title", ""),
                description=data.get("description", ""),
            )
        else:
            evidence = services.add_link_evidence(
                assessment=assessment,
                by=access.signed_in(request.user),
                url=data.get("url", ""),
                title=data.get("title", ""),
                description=data.get("description", ""),
            )
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        evidence = self.get_object()
        self.writable_assessment()
        services.delete_evidence(evidence=evidence, by=access.signed_in(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)
