"""Keys pressed in a map's frame, passed on to the page around it.

Streamlit's button shortcuts (``st.button(..., shortcut=...)``) listen on the page. A map is
a frame of its own: after a click or a pan in it, the keyboard's focus is there and a
shortcut never reached the page (the Review page's Accept, key A: measured with a one-off
browser script). :class:`KeysToPage` hands the chosen keys, without a modifier and not
while typing, to the page as the same key press.
"""

from __future__ import annotations

from collections.abc import Iterable

from branca.element import MacroElement
from jinja2 import Template

_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  var keys = {{ this.keys }};
  var page;
  try { page = window.parent.document; } catch (err) { return; } // another origin
  if (!page || page === document) return;
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (keys.indexOf(String(event.key || "").toLowerCase()) < 0) return;
    var at = event.target;
    if (at && (at.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(at.tagName))) return;
    event.preventDefault();
    page.dispatchEvent(new KeyboardEvent("keydown", {
      key: event.key, code: event.code, keyCode: event.keyCode, which: event.which,
      shiftKey: event.shiftKey, bubbles: true, cancelable: true
    }));
  });
})();
{% endmacro %}
"""


class KeysToPage(MacroElement):
    """Pass ``keys`` (letters) pressed in the map's frame on to the page."""

    _template = Template(_TEMPLATE)

    def __init__(self, keys: Iterable[str]) -> None:
        super().__init__()
        self._name = "KeysToPage"
        letters = sorted({k.lower() for k in keys})
        if not all(len(k) == 1 and k.isalnum() for k in letters):
            raise ValueError(f"keys are single letters or digits, got {letters}")
        self.keys = "[" + ", ".join(f'"{k}"' for k in letters) + "]"
