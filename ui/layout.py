"""Page layout rules shared by every page: the page starts just under the header, and
narrow screens put the controls before the map.

Streamlit leaves 96 px above a page's first element under a 60 px header that, with the
toolbar minimal and nothing deployed, shows nothing; the page starts at
:data:`PAGE_TOP_PX` instead, so a laptop's window shows 32 px more of each page (Review's
Accept stays in view at 1366 × 650 with a caution above it).

Streamlit stacks columns in their order on narrow screens, and the pages put the map first
(left, the wide column). Below 640 px the row that holds a map is reversed, so the controls
come first, and the map takes most of the viewport's height instead of a fixed 680 px.
"""

from __future__ import annotations

NARROW_SCREEN_PX = 640  # a window this wide or narrower is a narrow screen (a phone)
NARROW_MAP_VH = 65  # there, the map's height: this share (%) of the window's

PAGE_TOP_PX = 64  # the main column's top padding: just under Streamlit's 60 px header

LAYOUT_CSS = f"""
<style>
div[data-testid="stMainBlockContainer"] {{
  padding-top: {PAGE_TOP_PX}px;
}}
@media (max-width: {NARROW_SCREEN_PX}px) {{
  div[data-testid="stHorizontalBlock"]:has(iframe[title="streamlit_folium.st_folium"]) {{
    flex-direction: column-reverse;
  }}
  iframe[title="streamlit_folium.st_folium"] {{
    height: {NARROW_MAP_VH}vh !important;
  }}
}}
</style>
"""
