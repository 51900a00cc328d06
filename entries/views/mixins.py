"""What every public page view shares: the header's section."""


class SectionMixin:
    """Tells the header which section of the site a page belongs to."""

    section = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)
