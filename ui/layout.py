"""Page layout rules shared by every page: narrow screens put the controls before the map.

Streamlit stacks columns in their order on narrow screens, and the pages put the map first
(left, the wide column). Below 640 px the row that holds a map is reversed, so the controls
come first, and the map takes most of the viewport's height instead of a fixed 680 px.
"""

from __future__ import annotations

NARROW_SCREEN_PX = 640  # a window this wide or narrower is a narrow screen (a phone)
NARROW_MAP_VH = 65  # there, the map's height: this share (%) of the window's

NARROW_SCREEN_CSS = f"""
<style>
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
