"""Letters that look like Latin ones, folded to them before names are compared.

A small vendored subset of Unicode's confusables (https://www.unicode.org/Public/security/
latest/confusables.txt): the Cyrillic and Greek lower-case letters (names are case-folded
first) that render like a Latin letter in common fonts, plus the dotless i. It is not the
whole table: it stops "Аsha Rai" (Cyrillic А) from being a second "Asha Rai", not every
conceivable look-alike. Digits are not folded ("Asha0" and "Ashao" are different names).
"""

from __future__ import annotations

_LOOK_ALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "н": "h",
    "і": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o",
    "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "ѵ": "v", "ԝ": "w", "х": "x",
    "у": "y", "ү": "y",
    # Greek
    "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "ϳ": "j", "κ": "k",
    "μ": "u", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "ω": "w", "χ": "x",
    "γ": "y", "ζ": "z",
    # Latin
    "ı": "i", "ɡ": "g", "ɑ": "a",
}  # fmt: skip
_TABLE = str.maketrans(_LOOK_ALIKES)


def fold_confusables(text: str) -> str:
    """``text`` (already case-folded) with look-alike letters replaced by Latin ones."""
    return text.translate(_TABLE)
