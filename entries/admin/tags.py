"""The tags admin: tags shared by every kind of entry, and merging them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from .. import services
from ..models import Tag
from .history import AnnouncedAdminMixin

admin.site.unregister(TaggitTag)


class MergeTagsForm(forms.Form):
    new_tag_name = forms.CharField(
        label=_("Merge into the tag"),
        max_length=Tag._meta.get_field("name").max_length,
        help_text=_("An existing tag's name, or a new one."),
    )


@admin.register(Tag)
class TagAdmin(AnnouncedAdminMixin, admin.ModelAdmin):
    announce = services.announce_tags
    list_display = ["name", "slug", "uses"]
    ordering = ["name"]
    search_fields = ["name"]
    # The slug is made from the name (romanised, never empty) when left blank.
    fields = ["name", "slug"]
    actions = ["render_tag_form"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(uses=Count("tagged_entries"))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["slug"].required = False
        return form

    @admin.display(description=_("uses"), ordering="uses")
    def uses(self, obj):
        return obj.uses

    # Deleting a tag is a revision of every entry that carried it (services.delete_tags).
    def delete_model(self, request, obj):
        services.delete_tags(tags=[obj], user=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_tags(tags=queryset, user=request.user)

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def get_urls(self):
        merge = path(
            "merge-tags/",
            self.admin_site.admin_view(self.merge_tags_view),
            name="entries_tag_merge_tags",
        )
        return [merge, *super().get_urls()]

    @admin.action(description=_("Merge selected tags"), permissions=["change"])
    def render_tag_form(self, request, queryset):
        request.session["merge_tag_ids"] = list(queryset.values_list("pk", flat=True))
        return redirect("admin:entries_tag_merge_tags")

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        tags = Tag.objects.filter(pk__in=request.session.get("merge_tag_ids", []))
        form = MergeTagsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            target = services.merge_tags(
                tags=tags, into_name=form.cleaned_data["new_tag_name"], user=request.user
            )
            request.session.pop("merge_tag_ids", None)
            self.message_user(request, _("Tags merged into “%s”.") % target.name, messages.SUCCESS)
            return redirect("admin:entries_tag_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge tags"),
            "form": form,
            "tags": tags,
        }
        return render(request, "admin/entries/tag/merge_tags.html", context)
