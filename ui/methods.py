"""The sharpening methods and presets the Label page offers, in the volunteer's words.

Methods come from the registry (:data:`sr.sharpen.methods.METHODS`): its titles, the app's methods
only, the benchmark's recommended default first.
"""

from __future__ import annotations

from sr.sharpen.methods import DEFAULT_METHOD
from sr.sharpen.methods import METHODS as REGISTRY


def recommended(title: str) -> str:
    """'Enhancer (quick)' → 'Enhancer (quick, recommended)'; 'Bicubic' → 'Bicubic (recommended)'."""
    if title.endswith(")"):
        return f"{title[:-1]}, recommended)"
    return f"{title} (recommended)"


METHODS = {
    name: recommended(method.title) if name == DEFAULT_METHOD else method.title
    for name, method in sorted(REGISTRY.items(), key=lambda kv: kv[0] != DEFAULT_METHOD)
    if method.in_app
}
# What the delineation benchmark measured (bench/results/fields.md: ten chips of farmland, an
# 8 m input under two blurs, one-click outlines by the assist; median overlap with the drawn
# fields 0.61 / 0.63 on the enhancer's view, 0.60 / 0.66 on DIP + enhancer's).
METHOD_HELP = (
    "**Enhancer**: under a second for 128 × 128 pixels; recommended. "
    "**Deep Image Prior + enhancer**: about a minute for the same (fast preset); on the "
    "benchmark's farmland, one-click "
    "outlines on it were about as good as on the enhancer's (better under one of the two blurs "
    "tested, a little worse under the other). **Deep Image Prior** alone was not measured for "
    "outlining; **Bicubic** only enlarges, to compare."
)
PRESETS = {
    "fast": "fast (~1 min on 2 idle cores)",
    "balanced": "balanced (a few minutes)",
    "reference": "reference (the paper's; very slow on CPU)",
}


def method_text(method: str, preset: str | None = None) -> str:
    """'Deep Image Prior + enhancer (fast)', 'Bicubic'; unknown methods by their name."""
    name = REGISTRY[method].title.split(" (")[0] if method in REGISTRY else method
    return f"{name} ({preset})" if preset else name
