"""The API schema's shared parts: the error answers every operation may give.

A postprocessing hook of drf-spectacular (SPECTACULAR_SETTINGS) adds to each
operation the answers the portal gives everywhere, with their one shape
(apps.core.api): 400 (a map of field → messages, `non_field_errors` for the
rest), and 401, 403, 404, 405, 406, 409, 415, 429 and 503 (`{"detail": ...}`; 429 and 503
with Retry-After). An operation that documents one of these itself keeps its own.
"""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "What went wrong, in words for a person.",
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each field that was refused, with its messages; `non_field_errors` for the rest, "
    "or `detail` for a request that could not be read at all.",
    "additionalProperties": {},
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}}

ERRORS = {
    "400": ("ValidationError", "Invalid input (a field, a page, a filter value): nothing was changed."),
    "401": ("Error", "Not signed in, or the token is invalid, expired or revoked."),
    "403": ("Error", "Signed in, but the role (or the token's scope) does not allow this."),
    "404": ("Error", "Not there, or not yours to see (another product's objects are never told apart)."),
    "405": ("Error", "This method is not offered here."),
    "406": ("Error", "None of the accepted response types can be given (the API answers JSON)."),
    "409": ("Error", "A stale edit or decision (the version moved on), or a state that refuses it: nothing changed."),
    "415": ("Error", "The request body's content type is not one this operation reads."),
    "429": ("Error", "Too many requests; try again after Retry-After seconds."),
    "503": ("Error", "The database does not answer for a moment; try again after Retry-After seconds."),
}
METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}


def document_errors(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    components.setdefault("ValidationError", VALIDATION_ERROR_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, (component, description) in ERRORS.items():
                if status in responses:
                    continue
                answer = {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                }
                if status in ("429", "503"):
                    answer["headers"] = RETRY_AFTER
                responses[status] = answer
    return result
