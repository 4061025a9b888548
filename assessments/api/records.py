"""National measures and technical-assistance needs, per requirement, saved through their services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from framework.models import Item, Requirement, TechnicalAssistanceArea
from portal.api import StrictFields

from .. import access, services
from ..models import (
    NationalMeasure,
    TechnicalAssistanceNeed,
)
from .shared import InAssessment, nested_schema


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
        return services.save_national_measure(measure=instance, by=access.signed_in(self.request.user))

    def delete_instance(self, instance: Any) -> None:
        services.delete_national_measure(measure=instance, by=access.signed_in(self.request.user))


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
        return services.save_ta_need(need=instance, by=access.signed_in(self.request.user))

    def delete_instance(self, instance: Any) -> None:
        services.delete_ta_need(need=instance, by=access.signed_in(self.request.user))
