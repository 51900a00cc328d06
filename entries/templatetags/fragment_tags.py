"""``{% entry_fragment "name" %}...{% endentry_fragment %}``: a part of an entry page
cached under the entry's version (``entries.caching.fragments``).

The view puts an ``EntryFragments`` in the context as ``fragments`` when the page
may use cached parts (an anonymous reader, fragments on); without it the block
renders as it is, from the context the view filled.
"""

from django import template

register = template.Library()


class EntryFragmentNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        fragments = context.get("fragments")
        if fragments is None:
            return self.nodelist.render(context)

        def render(extra: dict) -> str:
            with context.push(extra):
                return self.nodelist.render(context)

        return fragments.render(self.name, render)


@register.tag
def entry_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Use {% entry_fragment "name" %}.')
    nodelist = parser.parse(("endentry_fragment",))
    parser.delete_first_token()
    return EntryFragmentNode(bits[1][1:-1], nodelist)
