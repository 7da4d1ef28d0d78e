"""The season profile beside the map (Label and Review): a field's mean NDVI on each date
next to its neighbours', and its four band means per date (``sr.imagery.profile``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import pandas as pd
import streamlit as st
from shapely import wkb
from shapely.geometry.base import BaseGeometry

from labels.model import Label
from sr.imagery.profile import DateMeans, field_profile
from sr.imagery.scene import Scene
from sr.imagery.scene_errors import SceneError
from ui.choice_titles import choice_box
from ui.plain_words import field_name
from ui.text import escape_markdown

MAX_NEIGHBOURS = 5
NEIGHBOUR_DEGREES = 0.01  # about 1 km: fields farther away are not neighbours
THIS_FIELD = "this field"


@lru_cache(maxsize=256)
def _cached_profile(scene: Scene, shape: bytes) -> tuple[DateMeans, ...]:
    return tuple(field_profile(scene, wkb.loads(shape)))


def profile(scene: Scene, geometry: BaseGeometry) -> tuple[DateMeans, ...]:
    """A field's profile (read once per scene version and outline)."""
    return _cached_profile(scene, geometry.wkb)


def neighbours_of(geometry: BaseGeometry, fields: Sequence[Label]) -> list[Label]:
    """The nearest other fields (at most MAX_NEIGHBOURS, within about 1 km)."""
    near = [
        (geometry.distance(lab.geometry), lab)
        for lab in fields
        if not lab.geometry.equals(geometry)
        and geometry.distance(lab.geometry) <= NEIGHBOUR_DEGREES
    ]
    return [lab for _, lab in sorted(near, key=lambda pair: pair[0])[:MAX_NEIGHBOURS]]


def ndvi_frame(scene: Scene, geometry: BaseGeometry, neighbours: Sequence[Label]) -> pd.DataFrame:
    """Mean NDVI per date (rows) of the field and each neighbour (columns)."""
    columns: dict[str, list[float | None]] = {
        THIS_FIELD: [m.ndvi for m in profile(scene, geometry)]
    }
    for number, lab in enumerate(neighbours, 1):
        try:
            columns[f"{number}. {field_name(lab)}"] = [m.ndvi for m in profile(scene, lab.geometry)]
        except SceneError:
            continue  # a neighbour outside the scene has no profile
    return pd.DataFrame(columns, index=[d.label for d in scene.dates])


def ndvi_chart(frame: pd.DataFrame) -> Any:
    """Lines with points, dates in order along x, NDVI from −0.2 to 1; this field thicker."""
    import altair as alt  # only where a chart is drawn (its import takes most of a second)

    long = frame.reset_index(names="date").melt("date", var_name="field", value_name="NDVI")
    order = list(frame.index)
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("date:N", sort=order, axis=alt.Axis(labelAngle=0, title=None)),
            y=alt.Y("NDVI:Q", scale=alt.Scale(domain=[-0.2, 1.0]), title="mean NDVI"),
            # one name a line: two columns cut the second off in a side panel ("this fi")
            color=alt.Color("field:N", legend=alt.Legend(orient="bottom", columns=1, title=None)),
            strokeWidth=alt.condition(alt.datum.field == THIS_FIELD, alt.value(4), alt.value(1.5)),
        )
        .properties(height=260)
    )


NDVI_COLUMNS = ("date", "NDVI", "pixels")  # bands_frame's, shown first
BAND_COLUMNS = ("date", "red", "green", "blue", "NIR")  # … and under Band means per date


def bands_frame(scene: Scene, geometry: BaseGeometry) -> pd.DataFrame:
    """The field's NDVI and band means per date, as a small table."""
    rows = [
        {
            "date": m.date,
            "NDVI": m.ndvi,
            "red": m.red,
            "green": m.green,
            "blue": m.blue,
            "NIR": m.nir,
            "pixels": m.pixels,
        }
        for m in profile(scene, geometry)
    ]
    return pd.DataFrame(rows).round({"NDVI": 3, "red": 0, "green": 0, "blue": 0, "NIR": 0})


def unseen_dates(table: pd.DataFrame) -> list[str]:
    """The dates of ``bands_frame`` on which the field has no pixel with data."""
    return [str(date) for date in table.loc[table["pixels"] == 0, "date"]]


def season_profile(
    scene: Scene, geometry: BaseGeometry | None, fields: Sequence[Label], what: str = THIS_FIELD
) -> None:
    """The chart and table for a field (``what`` names it), when the scene has several dates."""
    if len(scene.dates) < 2:
        return
    st.markdown(f"**Season profile: {escape_markdown(what)}**")  # a name is user text
    if geometry is None:
        st.caption("Draw or choose a field to see its NDVI over the dates beside its neighbours.")
        return
    try:
        frame = ndvi_frame(scene, geometry, neighbours_of(geometry, fields))
        table = bands_frame(scene, geometry)
    except SceneError as exc:
        st.caption(str(exc))
        return
    st.altair_chart(ndvi_chart(frame), width="stretch")
    # Two tables: the seven columns in one ran 352 px in the Review page's 294 px column.
    st.dataframe(table[list(NDVI_COLUMNS)], hide_index=True)
    st.caption("Mean NDVI of the field's pixels on each date, beside its nearest fields.")
    if unseen := unseen_dates(table):
        st.caption(
            f"No NDVI on {', '.join(escape_markdown(d) for d in unseen)}: no clear pixel of "
            "the field that date (under a cloud left out of the stack, or outside its data)."
        )
    with st.expander("Band means per date"):
        st.dataframe(table[list(BAND_COLUMNS)], hide_index=True)
        st.caption("The values as stored.")


def label_profile(scene: Scene, drawn: Sequence[BaseGeometry], fields: Sequence[Label]) -> None:
    """Label page: the profile of the last unsaved drawing, else of a field chosen."""
    if len(scene.dates) < 2:
        return
    if drawn:
        season_profile(scene, drawn[-1], fields, "your last drawing")
        return
    by_id = {lab.id: lab for lab in fields}
    chosen = choice_box(
        "Season profile of",
        by_id,
        lambda i: field_name(by_id[i]),
        key="profile_of",
        index=None,
        placeholder="a field on this scene",
    )
    if chosen is None:
        season_profile(scene, None, fields, THIS_FIELD)
    else:
        season_profile(scene, by_id[chosen].geometry, fields, field_name(by_id[chosen]))
