"""The sharpening methods and presets the Label page offers, in the volunteer's words."""

from __future__ import annotations

METHODS = {
    "dip+enhancer": "Deep Image Prior + enhancer (best)",
    "dip": "Deep Image Prior",
    "enhancer": "Enhancer on bicubic (quick)",
    "bicubic": "Bicubic (no sharpening)",
}
PRESETS = {
    "fast": "fast (~1 min)",
    "balanced": "balanced (a few minutes)",
    "reference": "reference (the paper's; very slow on CPU)",
}


def method_text(method: str, preset: str | None = None) -> str:
    """'Deep Image Prior + enhancer (fast)', 'Bicubic'; unknown methods by their name."""
    name = METHODS.get(method, method).split(" (")[0]
    return f"{name} ({preset})" if preset else name
