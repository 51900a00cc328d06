"""Reading what a page's <head> tells search engines and link previews."""

import json
from html.parser import HTMLParser


class HeadParser(HTMLParser):
    """The canonical links, ``<meta>`` tags and JSON-LD scripts of a page."""

    def __init__(self):
        super().__init__()
        self.canonical: list[str] = []
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def one(self, key: str) -> str:
        """The content of the one ``<meta>`` with this property or name."""
        (value,) = self.meta[key]
        return value

    def data(self) -> dict:
        """The page's one JSON-LD object, parsed back."""
        (text,) = self.json_ld
        return json.loads(text)


def head_of(response) -> HeadParser:
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser
