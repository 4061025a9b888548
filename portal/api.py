"""What every endpoint of the API shares: pages of bounded size, checked filters, strict write bodies.

A request the API would not carry out as written is refused with 400 and a message naming the
parameter or field, instead of being half-done silently or failing inside the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")  # 18 digits fit PostgreSQL's bigint, whatever is added to it
# A form-encoded body posted by a page carries Django's CSRF token; it is not a field of the write.
NOT_FIELDS = frozenset({"csrfmiddlewaretoken"})


class Pagination(LimitOffsetPagination):
    """``?limit=`` from 1 to ``max_limit`` and ``?offset=`` from 0; anything else is a 400, not a guess."""

    default_limit: int = api_settings.PAGE_SIZE or 100
    max_limit = 500

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param, "")
        if raw == "":
            return self.default_limit
        if not WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= self.max_limit:
            raise ValidationError(
                {
                    self.limit_query_param: [
                        _("Ask for a whole number of results from 1 to %(max)d per page.")
                        % {"max": self.max_limit}
                    ]
                }
            )
        return int(raw)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param, "")
        if raw == "":
            return 0
        if not WHOLE_NUMBER.fullmatch(raw):
            raise ValidationError(
                {self.offset_query_param: [_("Give the offset as a whole number, 0 or more.")]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_limit,
                    "default": self.default_limit,
                }
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 0, "default": 0}
        return parameters


def query_filters(request: Request, filters: type[serializers.Serializer]) -> dict[str, Any]:
    """The list filters of ``request`` checked by ``filters`` (a serializer of query parameters).

    A value of the wrong type, with a NUL byte, too long or not among the choices is a 400 naming
    the parameter; an empty one is no filter. Give the same serializer to ``extend_schema(parameters=…)``
    so the documentation lists exactly what is checked.
    """
    checked = filters(data=request.query_params)
    checked.is_valid(raise_exception=True)
    return {name: value for name, value in checked.validated_data.items() if value not in ("", None)}


def refuse_unknown_fields(data: Any, *, writable: Iterable[str], read_only: Iterable[str] = ()) -> None:
    """Refuse a write body naming a field it would not store: each one is named, read-only ones as such."""
    if not isinstance(data, Mapping):
        return
    writable, read_only = set(writable), set(read_only)
    errors: dict[str, list[str]] = {}
    for name in data:
        if name in writable or name in NOT_FIELDS:
            continue
        if name in read_only:
            errors[name] = [_("This field is read-only; a write cannot change it.")]
        else:
            errors[name] = [_("This field is not accepted here; check its spelling.")]
    if errors:
        raise ValidationError(errors)


class StrictFields:
    """Serializer mixin: a body with a field the serializer would ignore is refused (400, named).

    ``also_read_only`` names fields a client sees in the answer but may not send (for write-only
    serializers whose reply is another serializer), so that the message says they are read-only.
    """

    also_read_only: tuple[str, ...] = ()
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        refuse_unknown_fields(
            data,
            writable=[name for name, field in self.fields.items() if not field.read_only],
            read_only=[
                *(name for name, field in self.fields.items() if field.read_only),
                *self.also_read_only,
            ],
        )
        return super().to_internal_value(data)  # type: ignore[misc]


class StateConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "read_only"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's one handler: DRF's, plus the services' errors (read-only or wrong state is 409,
    invalid is 400). DRF already answers Django's ``PermissionDenied`` and ``Http404``."""
    # A state rule (assessments.exceptions.ReadOnly, StateError) says so with ``conflict``; portal
    # imports no app, so the catalogue's API can use this module without depending on assessments.
    if isinstance(exc, DjangoValidationError) and getattr(exc, "conflict", False):
        exc = StateConflict(exc.messages[0])
    elif isinstance(exc, DjangoValidationError):
        exc = django_errors(exc)
    return drf_exception_handler(exc, context)


def django_errors(exc: DjangoValidationError) -> ValidationError:
    """A Django ``ValidationError`` as DRF's, keyed by field when it has fields."""
    if hasattr(exc, "message_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"detail": exc.messages})
