"""Root URL configuration: the admin, and the encyclopedia for everything else."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView
from django.views.static import serve

from entries.admin.autocomplete import EntryAutocompleteView

admin.site.site_header = "Fandex editors"
admin.site.site_title = "Fandex admin"
admin.site.index_title = "Edit the encyclopedia"


class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for on pages without an icon link (the admin's)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        # Looked up per request: the static files' manifest may not exist at import.
        return static("favicon.svg")


# A forgotten password, reset by email: Django's views with the admin's templates.
# The admin's login page links to "admin_password_reset" once it exists.
ADMIN_LOOK = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}
password_reset_urls = [
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(extra_context=ADMIN_LOOK),
        name="admin_password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(extra_context=ADMIN_LOOK),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(extra_context=ADMIN_LOOK),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=ADMIN_LOOK),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("favicon.ico", csrf_exempt(require_safe(FaviconView.as_view())), name="favicon"),
    path("admin/", include(password_reset_urls)),
    # The admin's autocomplete, at its own address ("admin:autocomplete" reverses to it),
    # naming episodes with their series; its URL name is the admin's, which the tag
    # suggestions' ordering looks for (entries.admin.tags).
    path(
        "admin/autocomplete/",
        admin.site.admin_view(EntryAutocompleteView.as_view(admin_site=admin.site)),
        name="autocomplete",
    ),
    path("admin/", admin.site.urls),
    # The read API (entries/api/), before the pages so that its 404s are JSON.
    path("api/v1/", include("entries.api.urls")),
    path("", include("entries.urls")),
]

if settings.FANDEX_SERVE_MEDIA:
    # Pictures are stored under new names and never rewritten (entries/pictures/storage.py),
    # so browsers may keep them for good. Dumps (entries/dumps/, "dumps/") are not:
    # a second publish on the same day replaces that day's file.
    # Read-only, as the encyclopedia's pages (entries/urls.py).
    @csrf_exempt
    @require_safe
    def serve_media(request, path):
        # MEDIA_ROOT read per request: tests give each run a folder of its own.
        try:
            response = serve(request, path, document_root=settings.MEDIA_ROOT)
        except SuspiciousFileOperation:
            # "../" out of MEDIA_ROOT: there is no such media file, and that is all
            # the asker needs to know (Django would answer 400 and log an alarm).
            raise Http404("No such file.") from None
        if response.get("Content-Encoding") == "gzip":
            # A .gz file is itself the download: labelled "Content-Encoding: gzip"
            # (as ``serve`` does), browsers unpack it and save JSON under a .gz name.
            del response["Content-Encoding"]
            response["Content-Type"] = "application/gzip"
        if path.startswith("dumps/"):
            patch_cache_control(response, public=True, max_age=3600)
        else:
            patch_cache_control(response, public=True, max_age=31_536_000, immutable=True)
        return response

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve_media, name="media")
    ]
