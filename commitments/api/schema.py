"""OpenAPI details drf-spectacular cannot infer: error answers, the `format` parameter, headers."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter

from commitments.api.renderers import documented_format

DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in a sentence."}},
    "required": ["detail"],
}
# Keys are the query parameters (or, for writes, the fields) at fault; "non_field_errors" for the whole.
VALIDATION_SCHEMA = {
    "type": "object",
    "description": "Each key names a query parameter or a field; its value lists what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {
        "status": [
            "Unknown status 'done'; use not_rated, not_started, in_progress, stalled, partially_met, met, broken."
        ]
    },
}


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """Editors' tokens as HTTP bearer tokens: what generated clients and the docs' Authorize button send."""

    target_class = "commitments.api.tokens.HashedTokenAuthentication"
    name = "tokenAuth"
    priority = 1  # over drf-spectacular's own description of DRF's TokenAuthentication

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An editor's token: `Authorization: Bearer <token>`, or `Authorization: Token <token>`. "
            "Any other Authorization header answers 401.",
        }


class TrackerAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        if self.method == "GET":
            formats = [renderer.format for renderer in self.view.get_renderers() if documented_format(renderer)]
            parameters.append(
                OpenApiParameter(
                    "format",
                    str,
                    enum=formats,
                    description="Response format; default json. Lists also offer csv: one row per result, "
                    "embedded objects as flat columns, lists joined with |. Any other value answers 400.",
                )
            )
        if self.method in ("PUT", "PATCH"):
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description="The record's ETag as you last read it (a GET of this address, or the answer to your "
                    "last write). The change applies only if the record still has it; otherwise 412 and nothing "
                    'changes. "*" matches any version.',
                )
            )
        return parameters

    def get_auth(self) -> list:
        # Reads need no credentials and show everyone the same published data: documented with no
        # security requirement, so the docs draw no lock on them. A token sent anyway is still checked.
        if self.method == "GET":
            return []
        return super().get_auth()

    def get_response_serializers(self):
        # Writes take the flat editor shape but answer with the full read shape.
        write = getattr(self.view, "write_serializer_class", None)
        if write is not None and self.method in ("POST", "PUT", "PATCH"):
            return write.read_serializer
        return super().get_response_serializers()

    def _error_component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return {"content": {"application/json": {"schema": component.ref}}}

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        detail = self._error_component("Error", DETAIL_SCHEMA)
        invalid = self._error_component("ValidationError", VALIDATION_SCHEMA)
        reading = self.method == "GET"
        on_record = "{" in self.path
        if reading:
            responses["304"] = {"description": "Not modified: the If-None-Match header named the current ETag."}
            responses["400"] = {
                "description": "A query parameter has a value that cannot be used: an unknown choice, a badly "
                "written date, date-time or boolean, an unknown ordering field, a page or page_size that is not "
                "a whole number of at least 1, a single-valued parameter given twice, or a NUL byte anywhere. "
                "Parameters the API does not know are ignored.",
                **invalid,
            }
        else:
            responses["400"] = {"description": "A field is missing or has a value that cannot be used.", **invalid}
        responses["401"] = {
            "description": "An Authorization header was sent that the API does not accept: a scheme other than "
            "Token or Bearer, or a token that is unknown or expired. It is refused, never taken as anonymous"
            + (
                "; without the header, a read is answered anonymously."
                if reading
                else ". Also when no credentials were sent: writes need them."
            ),
            **detail,
        }
        if not reading:
            responses["403"] = {
                "description": "Signed in, but without the permission this write needs; publishing and "
                "unpublishing need the publish permission, and publishing a record needs a publisher who did "
                "not write or last change it (four eyes). The message says which.",
                **detail,
            }
        if self.method in ("PUT", "PATCH"):
            responses["412"] = {
                "description": "Precondition failed: the If-Match header named an ETag the record no longer has "
                "(someone changed it since). Nothing was changed.",
                **detail,
            }
        if self.method == "DELETE" and getattr(self.view, "basename", None) == "status-update":
            responses["409"] = {
                "description": "The update is published: it is never deleted; record a correction instead.",
                **detail,
            }
        if on_record:
            responses["404"] = {
                "description": "No record has this slug or id" + (" among published data." if reading else "."),
                **detail,
            }
        elif reading and self._is_list_view():
            responses["404"] = {"description": "The page asked for comes after the last page.", **detail}
        responses["429"] = {"description": "Too many requests; wait the number of seconds in Retry-After.", **detail}
        return responses


def document_response_headers(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: the headers drf-spectacular has no place for."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.get("responses", {})
            if "429" in responses:
                responses["429"].setdefault("headers", {})["Retry-After"] = {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait before the next request.",
                }
            if "text/csv" in responses.get("200", {}).get("content", {}):
                responses["200"]["content"]["text/csv"] = {
                    "schema": {"type": "string", "description": "A header row, then one row per result."}
                }
            for code in ("200", "201"):
                if method in ("post", "put", "patch") and code in responses:
                    responses[code].setdefault("headers", {})["ETag"] = {
                        "schema": {"type": "string"},
                        "description": "The record's ETag after this write: send it in If-Match with the next change.",
                    }
            if method == "get" and "200" in responses:
                headers = responses["200"].setdefault("headers", {})
                headers["ETag"] = {
                    "schema": {"type": "string"},
                    "description": "Send it back in If-None-Match to get 304 while the answer is unchanged.",
                }
                if "page" in {p.get("name") for p in operation.get("parameters", [])}:
                    headers["Link"] = {
                        "schema": {"type": "string"},
                        "description": 'Next and previous pages as <url>; rel="next", <url>; rel="prev", when they exist.',
                    }
    return result
