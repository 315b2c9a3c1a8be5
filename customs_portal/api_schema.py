"""The OpenAPI schema says what the API really answers, errors included.

``PortalAutoSchema`` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) adds to every operation the
error statuses the shared plumbing can answer (customs_portal.api and api_errors), in their
real shape, unless the view documents that status itself:
- 401 (no or a wrong API key) and 403 (not an approved enterprise) wherever a caller must be one;
- 400 where a body or a query parameter is read, or where a POST applies a business rule:
  ``{"code", "message"}`` or, from a serializer, ``{"field": ["message", ...]}``;
- 413 and 415 where a body is read; 404 on an id in the path or a page past the end;
- 500 and 503, ``{"code", "message"}``, for what the server could not complete.
It also writes ``many=True`` serializers as plain JSON arrays whatever the status (drf-spectacular
does so only for 2xx, and paginates them on list views), and lets a view document one status
with several shapes: ``Shapes(ErrorSerializer, ReceiptSerializer(many=True))``.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, force_instance, is_list_serializer
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code: invalid_json, too_large, not_found...")
    message = serializers.CharField(help_text="What is wrong, in the caller's language.")


FIELD_ERRORS = {
    "type": "object",
    "description": "The fields refused, each with its messages.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class Shapes:
    """One status answered in any of several shapes (serializers, ``many=True`` ones, dicts)."""

    def __init__(self, *shapes, description: str = ""):
        self.shapes = shapes
        self.description = description


class PortalAutoSchema(AutoSchema):
    def _is_list_view(self, serializer=None) -> bool:
        # only GET lists are paginated: a POST answering a list (receipts) is a plain array
        return self.method == "GET" and super()._is_list_view(serializer)

    def _shape(self, shape, direction):
        if isinstance(shape, dict):
            return shape
        shape = force_instance(shape)
        if is_list_serializer(shape):
            return build_array_type(self._shape(shape.child, direction))
        return self.resolve_serializer(shape, direction).ref

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = serializer
        if isinstance(serializer, OpenApiResponse):
            response = serializer.response
        response = force_instance(response)
        if isinstance(response, Shapes) or is_list_serializer(response):
            shapes = response.shapes if isinstance(response, Shapes) else (response,)
            schemas = [self._shape(shape, direction) for shape in shapes]
            description = getattr(serializer, "description", "") or getattr(response, "description", "")
            serializer = OpenApiResponse(
                schemas[0] if len(schemas) == 1 else {"anyOf": schemas},
                description=description,
                examples=getattr(serializer, "examples", None),
            )
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(responses.items()))

    def _error_responses(self) -> dict:
        error = ErrorSerializer
        errors = {}
        reads_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        reads_query = self.method == "GET" and any(
            parameter.get("in") == "query" and parameter.get("name") != "page"
            for parameter in self._get_parameters()
        )
        if reads_query or self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors["400"] = OpenApiResponse(
                Shapes(error, FIELD_ERRORS), description="The request was refused: what is wrong."
            )
        if any(not isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            errors["401"] = OpenApiResponse(
                error, description="Not signed in, no API key, or a key that is not valid."
            )
            errors["403"] = OpenApiResponse(
                error, description="The caller does not act for an approved enterprise."
            )
        if "{" in self.path or self._is_list_view():
            errors["404"] = OpenApiResponse(error, description="Not found (or not the caller's).")
        if reads_body:
            errors["413"] = OpenApiResponse(error, description="The body is larger than 10 MB.")
            errors["415"] = OpenApiResponse(error, description="The body's media type is not accepted.")
        errors["500"] = OpenApiResponse(error, description="The server could not complete the request.")
        errors["503"] = OpenApiResponse(error, description="The database cannot be reached just now.")
        return errors
