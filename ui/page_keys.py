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

NEXT_DATE_KEY = "d"  # "Next date" (ui.date_view), handed on by every scene map (ui.scene_map)
# A reviewer's yes and no, the same keys on both pages where they decide: on Review, Accept
# and Reject a field; on Campaigns, Validate and Invalidate the task checked.
ACCEPT_KEY = "A"
REJECT_KEY = "X"  # with the comment typed or the reason picked (R: Streamlit reruns the page)

_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  var keys = {{ this.keys }};
  var page;
  try { page = window.parent.document; } catch (err) { return; } // another origin
  if (!page || page === document) return;
  var down = {}; // keys handed on pressed, not yet released
  var handOn = function (type, event) {
    page.dispatchEvent(new KeyboardEvent(type, {
      key: event.key, code: event.code, keyCode: event.keyCode, which: event.which,
      shiftKey: event.shiftKey, bubbles: true, cancelable: true
    }));
  };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var key = String(event.key || "").toLowerCase();
    if (keys.indexOf(key) < 0) return;
    var at = event.target;
    if (at && (at.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(at.tagName))) return;
    event.preventDefault();
    down[key] = event;
    handOn("keydown", event);
  });
  // Its release too: the page's shortcuts count a key pressed until it is released, and
  // took the next key pressed in the map as the two together (after one press, no other).
  var release = function (key) {
    var pressed = down[key];
    delete down[key];
    if (pressed) handOn("keyup", pressed);
  };
  document.addEventListener("keyup", function (event) {
    release(String(event.key || "").toLowerCase());
  });
  window.addEventListener("blur", function () { Object.keys(down).forEach(release); });
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
