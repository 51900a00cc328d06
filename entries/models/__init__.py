"""The encyclopedia's data model.

Every wiki page is an ``Entry``; ``Series``, ``Character``, ``Staff``,
``Studio`` and ``Episode`` are its kinds, each a multi-table subclass (as
Wagtail's ``Page`` does), so aliases, tags, links, history and search work on
"any page". Facts about relations live on through models (``credits``).

One module held all of it until it grew past what one reader holds in mind; the
submodules split it by concern, and every name is still imported from here
(``from entries.models import Series``):

- ``naturalkeys``: how every model is named by what identifies it, not its id
  (``NaturalKeyMixin``, ``NaturalKeyQuerySet``), for dumps and backups. GalleryImage
  and SearchDocument have none: nothing identifies a gallery row but its id (a
  gallery may show a picture twice), and a search document's id is its entry's.
- ``entries``: ``Entry`` and its queryset, ``Alias``, ``Tag``/``TaggedEntry``,
  ``Language``, and the names an entry answers to (``answers_to``, ``names_of``,
  ``ANSWERS_TO_SQL``): the one definition links, /wiki/ look-ups and search use.
- ``links``: ``WikiLink``, the ``[[links]]`` recorded from entry bodies, and the
  queryset that resolves them (blue or red) by name.
- ``changes``: ``Change``, an entry's part in a revision.
- ``kinds``: the kinds of entry (``Series``, ``Staff``, ``Studio``, ``Character``,
  ``Episode``) with their querysets (``KindQuerySet`` their shared base),
  ``KIND_MODELS`` and the year range (``MIN_YEAR``, ``MAX_YEAR``).
- ``credits``: the through models between kinds: ``SeriesStudio``,
  ``StaffCredit``, ``Appearance``, ``VoiceCredit``, ``SeriesRelation``,
  ``StudioMember``, ``StreamingPlatform``/``Streaming``, and per episode
  ``EpisodeAppearance`` and ``EpisodeCredit``.
- ``pictures``: ``Picture`` (an uploaded image and its renditions) and
  ``GalleryImage``.
- ``search``: ``SearchDocument``, what search reads for one entry.
- ``counts``: ``TagCount``, public taggings per tag and kind, kept by triggers.

Each module imports only the ones above it in this list. Where a method needs a
model of a later module (``Entry.save`` records ``WikiLink`` rows, a kind's
``for_page`` prefetches its credits), it imports it when called. The modules are
imported here in that order, which is also the order the models were declared
in when they were one module (Django lists an app's models in that order).
"""

# In the order above, not sorted: the order the models are declared in.
# isort: off
from .entries import (
    ANSWERS_TO_SQL,
    Alias,
    Entry,
    EntryQuerySet,
    Language,
    Tag,
    TaggedEntry,
    TagQuerySet,
    TitleSortKey,
    answers_to,
    names_of,
)
from .links import WikiLink, WikiLinkQuerySet
from .changes import Change
from .kinds import (
    KIND_MODELS,
    MAX_YEAR,
    MIN_YEAR,
    Character,
    CharacterQuerySet,
    Episode,
    EpisodeQuerySet,
    KindQuerySet,
    Series,
    SeriesQuerySet,
    Staff,
    StaffQuerySet,
    Studio,
    StudioQuerySet,
)
from .credits import (
    Appearance,
    EpisodeAppearance,
    EpisodeAppearanceQuerySet,
    EpisodeCredit,
    SeriesRelation,
    SeriesStudio,
    StaffCredit,
    Streaming,
    StreamingPlatform,
    StudioMember,
    VoiceCredit,
)
from .pictures import GalleryImage, Picture, PictureQuerySet
from .search import SearchDocument
from .counts import TagCount
# isort: on

__all__ = [
    "ANSWERS_TO_SQL",
    "KIND_MODELS",
    "MAX_YEAR",
    "MIN_YEAR",
    "Alias",
    "Appearance",
    "Change",
    "Character",
    "CharacterQuerySet",
    "Entry",
    "EntryQuerySet",
    "Episode",
    "EpisodeAppearance",
    "EpisodeAppearanceQuerySet",
    "EpisodeCredit",
    "EpisodeQuerySet",
    "GalleryImage",
    "KindQuerySet",
    "Language",
    "Picture",
    "PictureQuerySet",
    "SearchDocument",
    "Series",
    "SeriesQuerySet",
    "SeriesRelation",
    "SeriesStudio",
    "Staff",
    "StaffCredit",
    "StaffQuerySet",
    "Streaming",
    "StreamingPlatform",
    "Studio",
    "StudioMember",
    "StudioQuerySet",
    "Tag",
    "TagCount",
    "TagQuerySet",
    "TaggedEntry",
    "TitleSortKey",
    "VoiceCredit",
    "WikiLink",
    "WikiLinkQuerySet",
    "answers_to",
    "names_of",
]
