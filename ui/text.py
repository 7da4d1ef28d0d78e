"""Showing text that users typed, safely.

Streamlit renders the text of ``st.markdown``, ``st.warning``, ``st.error``, ``st.toast``,
captions and widget labels as GitHub-flavoured markdown: links, images, auto-links
(``www.x.org``, ``http://…``, ``a@b.org``), emphasis, Streamlit's ``:material/…:`` and
``:red[…]`` directives and character references (``&#…;``). Every text that contains user
input (names, crops, comments, scene and file names, catalogue texts, messages built from
them) goes through :func:`escape_markdown` before it reaches Streamlit.
"""

from __future__ import annotations

import re
import string

# CommonMark lets every ASCII punctuation character be backslash-escaped, and an escaped
# character is literal text: it opens no link, image, emphasis, directive or HTML, and it
# breaks the auto-link patterns ("www.", "://", "@") that GFM recognises in plain text.
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


def escape_lines(text: str) -> str:
    """:func:`escape_markdown` with the text's line breaks kept (a coordinator's
    instructions, typed over several lines)."""
    return "  \n".join(escape_markdown(line) for line in text.splitlines())


def escape_markdown(text: str) -> str:
    """Text shown literally inside Streamlit markdown (no formatting, links, auto-links,
    images, directives or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
