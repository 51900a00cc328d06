"""``Kept``: HTML rendered once per process and kept under a key made of everything
it shows (``{% picture %}``, ``{% entry_card %}``).

Such a key always renders the same HTML, so what is kept can never be stale: an
edit changes the key of what it changes, and nothing needs telling. The least
recently used is dropped first once ``size`` are kept.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class Kept:
    def __init__(self, size: int):
        self.size = size
        self._rendered: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable | None, render: Callable[[], str]) -> str:
        """What ``render`` makes for ``key``: kept from before, or made and kept now.
        A ``None`` key renders every time and keeps nothing."""
        if key is None:
            return render()
        with self._lock:
            html = self._rendered.get(key)
            if html is not None:
                self._rendered.move_to_end(key)
                return html
        html = render()
        with self._lock:
            self._rendered[key] = html
            if len(self._rendered) > self.size:
                self._rendered.popitem(last=False)
        return html
