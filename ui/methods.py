"""The sharpening methods and presets the Label page offers, in the volunteer's words.

Methods come from the registry (:data:`sr.sharpen.methods.METHODS`): its titles, the app's methods
only, the benchmark's recommended default first.
"""

from __future__ import annotations

from sr.sharpen.methods import DEFAULT_METHOD
from sr.sharpen.methods import METHODS as REGISTRY

METHODS = {
    name: method.title + (" (recommended)" if name == DEFAULT_METHOD else "")
    for name, method in sorted(REGISTRY.items(), key=lambda kv: kv[0] != DEFAULT_METHOD)
    if method.in_app
}
PRESETS = {
    "fast": "fast (~1 min on 2 idle cores)",
    "balanced": "balanced (a few minutes)",
    "reference": "reference (the paper's; very slow on CPU)",
}


def method_text(method: str, preset: str | None = None) -> str:
    """'Deep Image Prior + enhancer (fast)', 'Bicubic'; unknown methods by their name."""
    name = REGISTRY[method].title.split(" (")[0] if method in REGISTRY else method
    return f"{name} ({preset})" if preset else name
