"""The tags admin: tags shared by every kind of entry, merging them, and deleting
the unused ones (also ``manage.py prune_tags``)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Value, When
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


class InUseFilter(admin.SimpleListFilter):
    title = _("in use")
    parameter_name = "in_use"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No: no entry carries it"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.unused()
        if self.value() == "yes":
            return queryset.exclude(pk__in=Tag.objects.unused().values("pk"))
        return queryset


@admin.register(Tag)
class TagAdmin(AnnouncedAdminMixin, admin.ModelAdmin):
    announce = services.announce_tags
    list_display = ["name", "slug", "uses"]
    list_filter = [InUseFilter]
    ordering = ["name"]
    search_fields = ["name"]
    # The slug is made from the name (romanised, never empty) when left blank.
    fields = ["name", "slug"]
    actions = ["render_tag_form", "delete_unused_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(uses=Count("tagged_entries"))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["slug"].required = False
        return form

    def get_search_results(self, request, queryset, search_term):
        """Names containing the term, as the admin's search does; for the tag field's
        suggestions (the admin's autocomplete endpoint), the name itself first and
        then names starting with it, so that "mecha" suggests "Mecha" first and the
        first results say whether a typed name is a tag already."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        match = getattr(request, "resolver_match", None)
        # The changelist has its own sorting (by name, or the column clicked).
        if term and match is not None and match.url_name == "autocomplete":
            closeness = Case(
                When(name__iexact=term, then=Value(0)),
                When(name__istartswith=term, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
            queryset = queryset.order_by(closeness, "name")
        return queryset, may_have_duplicates

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

    @admin.action(
        description=_("Delete the selected tags that no entry uses"), permissions=["delete"]
    )
    def delete_unused_tags(self, request, queryset):
        selected = set(queryset.values_list("pk", flat=True))
        deleted = services.delete_unused_tags(user=request.user, among=selected)
        kept = len(selected) - len(deleted)
        if deleted:
            names = ", ".join(f"“{name}”" for name in deleted)
            self.message_user(request, _("Deleted the unused tags %s.") % names, messages.SUCCESS)
        if kept:
            self.message_user(
                request,
                _("%d of the selected tags are in use and were kept.") % kept,
                messages.WARNING if not deleted else messages.INFO,
            )

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
