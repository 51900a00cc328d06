"""What every public page view shares: the header's section."""

from ..models import Entry

# The header's section for each kind's pages: its index, entry pages and history.
SECTIONS = {
    Entry.Kind.SERIES: "series",
    Entry.Kind.CHARACTER: "characters",
    Entry.Kind.STAFF: "staff",
    Entry.Kind.STUDIO: "studios",
    Entry.Kind.EPISODE: "series",
}


class SectionMixin:
    """Tells the header which section of the site a page belongs to: ``section``,
    else the section of the view's kind of entry (its ``model``)."""

    section = ""

    def get_context_data(self, **kwargs):
        model = getattr(self, "model", None)
        kwargs.setdefault("section", self.section or SECTIONS.get(getattr(model, "KIND", ""), ""))
        return super().get_context_data(**kwargs)
