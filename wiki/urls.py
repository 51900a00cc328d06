"""Root URL configuration: the admin, and the encyclopedia for everything else."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Fandex editors"
admin.site.site_title = "Fandex admin"
admin.site.index_title = "Edit the encyclopedia"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("entries.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
