"""Operational data: a value per indicator and year (ETag, If-Match), and a count's breakdown."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from framework.models import DisaggregationCategory, Item
from portal.api import StrictFields, query_filters, refuse_unknown_fields

from .. import access, services
from ..models import (
    OperationalData,
)
from .shared import ASSESSMENT_PK, IF_MATCH, InAssessment, etag, if_match


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
                by=access.signed_in(request.user),
                base_version=base,
                values=values,
            )
        except services.Conflict as conflict:
            if base is None or conflict.current is None:
                raise ValidationError(
                    {"period": "A value for this year exists already; change it instead."}
                ) from None
            return self.versioned(conflict.current.pk, status.HTTP_412_PRECONDITION_FAILED)
        return self.versioned(row.pk, status.HTTP_201_CREATED if base is None else status.HTTP_200_OK)

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
            services.set_breakdowns(
                data_id=row.pk, by=access.signed_in(request.user), base_version=base, parts=parts
            )
        except services.Conflict:
            return self.versioned(row.pk, status.HTTP_412_PRECONDITION_FAILED)
        return self.versioned(row.pk)
