"""What the assessment endpoints share: everything under /assessments/<id>/ belongs to an assessment
the user can see (else 404), and versioned rows are written with If-Match (428 without, 412 stale).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from .. import access
from ..models import (
    Assessment,
)

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
            raise PermissionDenied(str(exc)) from None
        return assessment

    def fake(self) -> bool:
        return bool(getattr(self, "swagger_fake_view", False))

    def versioned(self, pk: int, status: int = 200) -> Response:
        """A versioned row as stored now, with its ETag: after a write, or with 412 when it was stale."""
        row = self.get_queryset().get(pk=pk)  # type: ignore[attr-defined]
        return Response(self.get_serializer(row).data, status=status, headers={"ETag": etag(row.version)})  # type: ignore[attr-defined]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # Write rights before validation: an observer learns "not allowed", not what the body lacked.
        if request.method not in SAFE_METHODS and "assessment_pk" in self.kwargs and not self.fake():
            self.writable_assessment()


ASSESSMENT_PK = OpenApiParameter("assessment_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


nested_schema = extend_schema_view(
    **{
        name: extend_schema(parameters=[ASSESSMENT_PK])
        for name in ("list", "retrieve", "create", "partial_update", "destroy")
    }
)
