"""``/api/v1/``: every endpoint by name (``api:series-list``...), never hard-coded.

Entries are found by the same keys as their pages: a kind's slug, or a series'
slug and an episode number.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from ..models import KIND_MODELS, Episode
from . import errors, views

app_name = "api"

# The HTML pages' address of each kind, reused here: /api/v1/characters/<slug>/.
PREFIXES = {"series": "series", "character": "characters", "staff": "staff", "studio": "studios"}

urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("tags/", views.TagList.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", views.TagDetail.as_view(), name="tag-detail"),
    path("recent/", views.RecentChanges.as_view(), name="recent-changes"),
    path("episodes/", views.EntryList.as_view(model=Episode), name="episode-list"),
    path(
        "series/<slug:slug>/episodes/<int:number>/",
        views.EntryDetail.as_view(model=Episode),
        name="episode-detail",
    ),
    path(
        "series/<slug:slug>/episodes/<int:number>/revisions/",
        views.RevisionList.as_view(model=Episode),
        name="episode-revisions",
    ),
]
for kind, prefix in PREFIXES.items():
    model = KIND_MODELS[kind]
    urlpatterns += [
        path(f"{prefix}/", views.EntryList.as_view(model=model), name=f"{kind}-list"),
        path(
            f"{prefix}/<slug:slug>/", views.EntryDetail.as_view(model=model), name=f"{kind}-detail"
        ),
        path(
            f"{prefix}/<slug:slug>/revisions/",
            views.RevisionList.as_view(model=model),
            name=f"{kind}-revisions",
        ),
    ]
# Anything else under /api/v1/: a JSON 404.
urlpatterns.append(re_path(r"^[\s\S]*$", errors.not_found, name="not-found"))
