"""The site's URLs plus the two benchmark endpoints of ``entries.benchmarks.api``.

Used only by ``manage.py bench_api`` (as ``ROOT_URLCONF``); django-ninja is a
test-time dependency (requirements-test.txt), imported here only.
"""

from django.urls import path
from ninja import NinjaAPI, Schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wiki.urls import urlpatterns as site_urlpatterns

from ..api.querysets import cards
from ..models import Series

PAGE = 20


def _first_page():
    return cards(Series).order_by("title", "pk")[:PAGE]


# --- Django REST framework ---------------------------------------------------------------


class BenchSeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()
    native_title = serializers.CharField()
    summary = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    format = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    tags = serializers.SerializerMethodField()

    def get_tags(self, series) -> list[str]:
        return [tagged.tag.name for tagged in series.tagged_items.all()]


class DrfSeriesList(APIView):
    def get(self, request):
        return Response({"results": BenchSeriesSerializer(_first_page(), many=True).data})


# --- django-ninja -----------------------------------------------------------------------

ninja_api = NinjaAPI(urls_namespace="bench-ninja", docs_url=None, openapi_url=None)


class NinjaSeries(Schema):
    id: int
    kind: str
    slug: str
    title: str
    native_title: str
    summary: str
    year: int | None
    format: str
    url: str
    tags: list[str]

    @staticmethod
    def resolve_url(series) -> str:
        return series.get_absolute_url()

    @staticmethod
    def resolve_tags(series) -> list[str]:
        return [tagged.tag.name for tagged in series.tagged_items.all()]


class NinjaPage(Schema):
    results: list[NinjaSeries]


@ninja_api.get("/series/", response=NinjaPage)
def ninja_series_list(request):
    return {"results": list(_first_page())}


urlpatterns = [
    path("bench/drf/series/", DrfSeriesList.as_view()),
    path("bench/ninja/", ninja_api.urls),
    *site_urlpatterns,
]
