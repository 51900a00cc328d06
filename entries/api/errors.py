"""Errors as JSON: ``{"detail": "...", "errors": {field: [messages]}}``.

A bad query string (a cursor that is not one, ``?year=abc``, an unknown kind)
is a 400 that says which parameter and why; an unknown address under
``/api/`` is a JSON 404, not the site's HTML page.
"""

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"query": exc.detail}
        fields = ", ".join(errors)
        response.data = {"detail": f"Invalid query parameters: {fields}.", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    # Errors are never cached by browsers or shared caches.
    response["Cache-Control"] = "no-store"
    return response


def not_found(request, *args, **kwargs):
    """Any address under /api/v1/ that names no endpoint."""
    response = JsonResponse({"detail": "No such API endpoint."}, status=404)
    return response
