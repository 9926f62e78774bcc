"""OpenAPI post-processing: document the error answers every operation can give.

drf-spectacular documents the success answer only; clients (and the schemathesis run in
tests/portal/security/test_api_fuzzing.py) also meet 400 (validation), 401/403 (not logged in,
not allowed, two-factor pending), 404 (objects of others), 409 (conflict) and 429 (rate limit).
"""

ERROR_STATUSES = {
    "400": "The request is not valid (field errors or a refused domain rule).",
    "401": "Not authenticated.",
    "403": "Not allowed (or two-factor verification pending).",
    "404": "No such object, or not one the user may see.",
    "409": "The change conflicts with the current state.",
    "429": "Too many requests; see the Retry-After header.",
}
ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` for most errors; field name -> messages for validation errors.",
    "additionalProperties": True,
    "properties": {"detail": {"type": "string"}},
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
