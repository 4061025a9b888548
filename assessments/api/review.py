"""Review findings with their replies; reviewers write, resolve and reopen them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from framework.models import Item, Requirement
from portal.api import StrictFields, refuse_unknown_fields

from .. import access, services
from ..models import (
    Finding,
    FindingReply,
    is_reviewer,
)
from .shared import ASSESSMENT_PK, InAssessment


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
            raise PermissionDenied("Only UNODC reviewers may do this.")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.assessment()
        self._reviewer()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        finding = services.add_finding(
            assessment=assessment,
            by=access.signed_in(request.user),
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
            raise PermissionDenied("Only the country's team and UNODC reviewers reply to findings.")
        refuse_unknown_fields(
            request.data, writable=["text"], read_only=FindingReplySerializer.Meta.read_only_fields
        )
        body = FindingReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reply = services.reply_to_finding(
            finding=finding, by=access.signed_in(request.user), text=body.validated_data["text"]
        )
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
        services.set_finding_status(
            finding=finding, by=access.signed_in(self.request.user), resolved=resolved
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=finding.pk)).data)
