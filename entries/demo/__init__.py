"""The demo content (Metallic Rouge, the studios Bones and Sunrise, their people,
characters, the first episode and the tags that tie them together), which
``manage.py loaddemo`` loads.

The content is data, not code, so that it reads, and is edited, as a list of
entries rather than as calls; the loader is generic, and the pictures it draws are
a concern of their own:

- ``metallic_rouge.toml``: the content itself, every entry with its fields, tags,
  aliases, gallery and streaming, and the rows that tie entries together (studio
  roles, memberships, credits, appearances, voice credits).
- ``loader``: ``load_demo`` walks the data and creates or updates each object,
  writing only what differs and recording the history in one place; ``DemoReport``
  says what it did.
- ``cards``: the placeholder pictures, monogram cards drawn with Pillow
  (``DemoCard``, ``CARD_STYLES``, ``entry_card``, ``gallery_card``).

``loader`` imports ``cards``; ``cards`` imports neither.
"""

from .cards import CARD_STYLES, DEMO_CREDIT, DEMO_MARK, DemoCard, entry_card, gallery_card, monogram
from .loader import DATA_FILE, DEMO_COMMENT, SECTIONS, DemoReport, load_demo, read_data

__all__ = [
    "CARD_STYLES",
    "DATA_FILE",
    "DEMO_COMMENT",
    "DEMO_CREDIT",
    "DEMO_MARK",
    "SECTIONS",
    "DemoCard",
    "DemoReport",
    "entry_card",
    "gallery_card",
    "load_demo",
    "monogram",
    "read_data",
]
