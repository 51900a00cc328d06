"""How drf-spectacular describes the endpoints: each operation with the errors it
can answer (400 for a list's query string, 404 for an address naming no entry,
429 past the rate limit), all in ``ErrorSerializer``'s shape, and each list with
the query parameters of its kind."""

from drf_spectacular.openapi import AutoSchema
from rest_framework.generics import ListAPIView

from .serializers import ErrorSerializer


class ApiSchema(AutoSchema):
    def get_response_serializers(self):
        ok = super().get_response_serializers()
        responses = {200: ok}
        # Not ``_is_list_view()``: that asks this method for the serializer.
        if isinstance(self.view, ListAPIView):
            responses[400] = ErrorSerializer
        if "{" in self.path:
            responses[404] = ErrorSerializer
        responses[429] = ErrorSerializer
        return responses


class EntryListSchema(ApiSchema):
    """The list's query parameters, which depend on its kind (``views.LIST_PARAMS``)."""

    def get_override_parameters(self):
        return [self.view.params_class(), *super().get_override_parameters()]
