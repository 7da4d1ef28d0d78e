"""The Label page's "Click a field" tool and "Outline all fields here" (AppTest, bundled
Sentinel-2 sample): a click proposes an unsaved outline that saves with its provenance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasterio.warp import transform as transform_points
from rasterio.warp import transform_geom
from scipy import ndimage as ndi
from shapely.affinity import affine_transform, translate
from shapely.geometry import Point, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from streamlit.testing.v1 import AppTest

import ui.outline_assist
from bench.bench_fields import innermost_pixel
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Label, Role, Status
from labels.store import open_store
from sr.imagery.scene import Scene, open_scene, read_area
from sr.imagery.scene_errors import SceneError
from sr.imagery.water import WaterCheck, water_checks
from sr.outline.corrections import Correction, constraints
from sr.outline.hierarchy import on_frame
from sr.outline.segment import MAX_GROW
from sr.sharpen.pipeline import SharpenRequest, sharpen_area
from tests.ui.conftest import run_page
from tests.ui.test_label_page import map_sends
from tests.ui.test_label_page_day import SITA
from ui.drawings import Draft, Drafts
from ui.enhance_flow import result_cache
from ui.label_work import FIELDS_TOOL
from ui.live_map import LABEL_MAP
from ui.next_step import LEADS
from ui.outline_adjust import ADD_PART, CUT_PART, NEXT_CLICK_KEY, NOT_CUT
from ui.outline_assist import (
    SMALL_FIELD_PIXELS,
    AreaFields,
    _covers,
    area_fields,
    assist_version,
    cut_caution,
    original_fields,
    original_pixels,
    propose_in_box,
    same_area_results,
    small_field_note,
)
from ui.outline_centre import CENTRED_KEY, CENTRED_LEAD, CENTRED_WAITS, ENHANCE_CENTRED
from ui.outline_corners import CORNER_KEY, NO_FIELD_IN_BOX, OUTLINE_BY_KEY, TWO_CORNERS
from ui.outline_edges import AREA_MOVED, CENTRE_BUTTON, EDGE_NOTE
from ui.outline_propose import EVERY_DATE_KEY, INSIDE_SAVED, NO_FIELD
from ui.outline_queue import (
    NONE_LEFT,
    OUTLINE_ALL,
    OUTLINE_ALL_NEEDS_AREA,
    QUEUE_BUTTONS,
    QUEUE_CUT,
    QUEUE_DONE,
    QUEUE_HEADING,
    QUEUE_KEYS_NOTE,
    QUEUE_SKIPPED,
    QUEUE_STOPPED,
    WATER_LEFT_OUT,
)
from ui.outline_tool import OUTLINE_BY, OUTLINE_TOOL
from ui.proposal_record import LastClick, Proposals
from ui.settings import SAMPLE_SCENE
from ui.water_note import water_note


@pytest.fixture()
def scene() -> Scene:
    return open_scene(SAMPLE_SCENE)


def innermost_lonlat(mask: np.ndarray, raster: object) -> tuple[float, float]:
    """lon/lat of the pixel of ``mask`` farthest from its edge."""
    row, col = innermost_pixel(mask)
    x, y = raster.transform @ (col + 0.5, row + 0.5)  # type: ignore[attr-defined]
    [lon], [lat] = transform_points(raster.crs, "EPSG:4326", [x], [y])  # type: ignore[attr-defined]
    return lon, lat


BOTH_DATES = ("date 1", "date 2")  # the sample's dates


def sharpened_fields(scene: Scene, bbox: tuple[float, ...], every_date: bool) -> AreaFields:
    """The fields the assist finds on an area of the sample sharpened (bicubic, instant) into
    the app's cache."""
    request = SharpenRequest(scene, bbox, "bicubic", requested_by="Sita")
    return area_fields(scene, sharpen_area(request, result_cache()), every_date)


def enhanced_area(
    scene: Scene, every_date: bool = True
) -> tuple[str, tuple[float, float], tuple[float, float]]:
    """An area of the sample sharpened (bicubic, instant) into the app's cache, as the page's
    ``area_text``; the lon/lat of the innermost point of the largest field the assist finds
    there (with both dates, as the page does by default), and of the innermost point of the
    ground where it finds none."""
    c = scene.footprint.centroid
    bbox = (c.x - 0.005, c.y - 0.004, c.x + 0.005, c.y + 0.004)
    found = sharpened_fields(scene, bbox, every_date)
    instances, raster = found.instances, found.raster
    largest = np.bincount(instances[instances > 0]).argmax()
    assert (instances == 0).any()
    field = innermost_lonlat(instances == largest, raster)
    return ",".join(repr(v) for v in bbox), field, innermost_lonlat(instances == 0, raster)


def on_the_tool(area_text: str) -> AppTest:
    app = run_page("pages/label.py", SITA, area_text=area_text, method="bicubic")
    app.radio(key="tool").set_value(OUTLINE_TOOL).run()
    assert not app.exception
    return app


def outlined_all(app_data: Path, scene: Scene) -> tuple[AppTest, Drafts, list[BaseGeometry]]:
    """Sita's page after Outline all fields here on the tool, over an enhanced area of the
    sample; her drafts and the queue it proposed."""
    area_text, _, _ = enhanced_area(scene)
    app = on_the_tool(area_text)
    button(app, "Outline all fields here").click().run()
    assert not app.exception
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    return app, drafts, Proposals.beside(drafts.path).queue


def clicked_largest(app_data: Path, scene: Scene) -> tuple[AppTest, Drafts, BaseGeometry]:
    """Sita's page after a click inside the largest field of an enhanced area of the sample,
    her drafts and the outline it proposed."""
    area_text, (lon, lat), _ = enhanced_area(scene)
    app = map_sends(on_the_tool(area_text), last_clicked={"lat": lat, "lng": lon})
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    [proposal] = drafts.load().new
    return app, drafts, proposal


def button(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in app.button if b.label == label)


def answers(app: AppTest) -> list[Any]:
    """The page's info boxes and warnings (an answer comes in a warning when it has a
    caution), but the next step's line at the top of the side panel."""
    return [a for a in [*app.info, *app.warning] if not a.value.startswith(LEADS)]


def proposed_said(app: AppTest) -> bool:
    """The answer says an outline was proposed."""
    return any(a.value.startswith("Outline proposed (unsaved)") for a in answers(app))


def test_a_click_in_a_field_proposes_an_unsaved_outline_that_saves_as_proposed(
    app_data: Path, scene: Scene
) -> None:
    area_text, (lon, lat), _ = enhanced_area(scene)
    app = on_the_tool(area_text)
    app = map_sends(app, last_clicked={"lat": lat, "lng": lon})
    assert not app.exception
    assert proposed_said(app)
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    [proposal] = drafts.load().new
    assert proposal.contains(Point(lon, lat))
    assert any(c.value == "1 unsaved drawing(s), 0 changed outline(s)." for c in app.caption)

    button(app, "Save & submit").click().run()
    assert not app.exception
    [saved] = open_store(app_data / "labels").query()
    assert (saved.drawing, saved.assist_version) == (PROPOSED, assist_version(BOTH_DATES))
    assert saved.assist_version.endswith("on 2 dates (stack): date 1, date 2")
    assert saved.geometry.equals_exact(proposal, 1e-9)
    assert Proposals.beside(drafts.path).proposed == []  # saved: forgotten


def save_beside(app_data: Path, scene: Scene, field: BaseGeometry, drawing: str) -> None:
    """Maya saves a field over the far half (from the click) of an outline, as ``drawing``."""
    store = open_store(app_data / "labels")
    store.register_scene(scene.scene_id, scene.footprint)
    store.save(
        Label(field, "rice", scene.scene_id, "Maya", status=Status.SUBMITTED, drawing=drawing),
        actor="Maya",
        role=Role.VOLUNTEER,
    )


def far_side(outline: BaseGeometry, lon: float) -> BaseGeometry:
    """A box over the half of ``outline``'s extent farther from ``lon``, reaching beyond it."""
    west, south, east, north = outline.bounds
    middle = (west + east) / 2
    if lon < middle:
        return box(middle, south - 1e-3, east + 1e-3, north + 1e-3)
    return box(west - 1e-3, south - 1e-3, middle, north + 1e-3)


@dataclass(frozen=True)
class Alone:
    """A click inside the largest field of an enhanced area of the sample, and the outline
    it proposes with nothing drawn around it, which the drafts are then emptied of."""

    area_text: str
    lon: float
    lat: float
    drafts: Drafts
    outline: BaseGeometry

    @property
    def click(self) -> dict[str, float]:
        return {"lat": self.lat, "lng": self.lon}

    @property
    def far(self) -> BaseGeometry:
        """A box over the half of the outline away from the click (:func:`far_side`)."""
        return far_side(self.outline, self.lon)

    def click_again(self) -> AppTest:
        """The same click on a fresh page (the drafts as the test left them)."""
        app = map_sends(on_the_tool(self.area_text), last_clicked=self.click)
        assert not app.exception
        return app


def proposed_alone(app_data: Path, scene: Scene) -> Alone:
    """:class:`Alone`: Sita's click and its outline; her drafts emptied after it."""
    area_text, (lon, lat), _ = enhanced_area(scene)
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    map_sends(on_the_tool(area_text), last_clicked={"lat": lat, "lng": lon})
    [outline] = drafts.load().new
    drafts.save(Draft())
    return Alone(area_text, lon, lat, drafts, outline)


def test_a_proposal_stops_at_fields_a_person_saved_and_not_at_unedited_proposals(
    app_data: Path, scene: Scene
) -> None:
    alone = proposed_alone(app_data, scene)
    far, drafts = alone.far, alone.drafts
    spill = alone.outline.intersection(far).area
    assert spill > 0.05 * alone.outline.area

    # Saved as the assist proposed it, unedited and not reviewed: the proposal goes over it.
    save_beside(app_data, scene, far, PROPOSED)
    app = alone.click_again()
    [same] = drafts.load().new
    assert same.equals_exact(alone.outline, 1e-9)
    assert not any("drawn already" in i.value for i in answers(app))

    # Drawn by hand: the proposal stops at it, sharing its border, and saves as proposed.
    save_beside(app_data, scene, far, HAND)
    drafts.save(Draft())
    app = alone.click_again()
    assert any("It stops at a field drawn already" in i.value for i in answers(app))  # the firm one
    [trimmed] = drafts.load().new
    assert trimmed.contains(Point(alone.lon, alone.lat))
    assert trimmed.intersection(far).area < 1e-6 * alone.outline.area
    assert trimmed.area == pytest.approx(alone.outline.area - spill, rel=1e-6)
    button(app, "Save & submit").click().run()
    assert not app.exception
    mine = [lab for lab in open_store(app_data / "labels").query() if lab.annotator == "Sita"]
    assert [(lab.drawing, lab.geometry.equals_exact(trimmed, 1e-9)) for lab in mine] == [
        (PROPOSED, True)
    ]


def test_a_proposal_stops_at_the_volunteers_own_unsaved_drawing(
    app_data: Path, scene: Scene
) -> None:
    alone = proposed_alone(app_data, scene)
    far, drafts = alone.far, alone.drafts
    Proposals(Proposals.beside(drafts.path).path).save()  # nothing proposed so far
    drafts.save(Draft([far]))  # drawn by hand, not saved yet
    app = alone.click_again()
    assert any("It stops at a field drawn already" in i.value for i in answers(app))
    [drawn, trimmed] = drafts.load().new
    assert drawn.equals(far)
    assert trimmed.intersection(far).area < 1e-6 * alone.outline.area
    expected = alone.outline.area - alone.outline.intersection(far).area
    assert trimmed.area == pytest.approx(expected, rel=1e-6)
    # The proposal itself, unchanged, does not stop the next one.
    assert Proposals.beside(drafts.path).not_proposed([drawn, trimmed]) == (drawn,)


def test_a_proposal_stops_at_a_saved_field_where_an_unsaved_edit_puts_it(
    app_data: Path, scene: Scene
) -> None:
    alone = proposed_alone(app_data, scene)
    far, drafts = alone.far, alone.drafts
    away = translate(far, yoff=3 * (far.bounds[3] - far.bounds[1]))  # clear of the field
    save_beside(app_data, scene, far, HAND)
    [saved] = open_store(app_data / "labels").query()

    drafts.save(Draft([], {saved.id: (away, saved.version)}))  # moved away, not saved yet
    alone.click_again()
    [moved_off] = drafts.load().new
    assert moved_off.equals_exact(alone.outline, 1e-9)

    drafts.save(Draft([], {saved.id: (far, saved.version)}))  # where it is saved: it cuts
    Proposals(Proposals.beside(drafts.path).path).save()
    alone.click_again()
    [cut] = drafts.load().new
    assert cut.intersection(far).area < 1e-6 * alone.outline.area


def test_a_click_on_a_field_already_saved_says_so_and_adds_nothing(
    app_data: Path, scene: Scene
) -> None:
    alone = proposed_alone(app_data, scene)
    save_beside(app_data, scene, alone.outline.buffer(1e-4), HAND)
    app = alone.click_again()
    assert INSIDE_SAVED in [w.value for w in app.warning]
    assert alone.drafts.load().new == []


def smallest_field(scene: Scene, area_text: str) -> tuple[float, float]:
    """lon/lat of the innermost point of the smallest field the assist finds in the area
    that :func:`enhanced_area` sharpened."""
    bbox = tuple(float(v) for v in area_text.split(","))
    found = sharpened_fields(scene, bbox, every_date=True)
    fields = np.abs(found.instances)
    sizes = np.bincount(fields.ravel())
    sizes[0] = 0
    smallest = int(np.argmin(np.where(sizes > 0, sizes, sizes.max() + 1)))
    return innermost_lonlat(fields == smallest, found.raster)


def test_original_pixels_counts_the_scene_pixels_an_outline_covers() -> None:
    # 100 m × 40 m in UTM zone 33N, as lon/lat: 40 pixels of 10 m, 640 of 2.5 m.
    utm = box(500_000, 5_300_000, 500_100, 5_300_040)
    lonlat = shape(transform_geom("EPSG:32633", "EPSG:4326", mapping(utm)))
    assert original_pixels(lonlat, 10.0) == pytest.approx(40, rel=1e-3)
    assert original_pixels(lonlat, 2.5) == pytest.approx(640, rel=1e-3)
    assert small_field_note(lonlat, 10.0) is None  # 40 ≥ 32
    note = small_field_note(lonlat, 12.0)  # 27.8 pixels of 12 m
    assert note is not None and note.startswith("A small field (about 28 pixels")
    assert note.endswith("or outline it by two corners (0.72–0.73).")  # what did better there
    after_corners = small_field_note(lonlat, 12.0, corners_hint=False)
    assert after_corners is not None and "two corners" not in after_corners


def test_a_small_proposed_field_comes_with_a_caution_a_large_one_without(
    app_data: Path, scene: Scene
) -> None:
    area_text, (lon, lat), _ = enhanced_area(scene)
    app = map_sends(on_the_tool(area_text), last_clicked={"lat": lat, "lng": lon})
    assert not app.exception
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    [large] = drafts.load().new
    assert original_pixels(large, scene.metres_per_pixel) >= SMALL_FIELD_PIXELS
    assert not [w for w in app.warning if "A small field" in w.value]

    small_lon, small_lat = smallest_field(scene, area_text)
    app = map_sends(app, last_clicked={"lat": small_lat, "lng": small_lon})
    assert not app.exception
    small = drafts.load().new[-1]
    pixels = original_pixels(small, scene.metres_per_pixel)
    assert pixels < SMALL_FIELD_PIXELS  # 10 m pixels of the sample
    [caution] = [w.value for w in app.warning if "A small field" in w.value]
    assert f"(about {pixels:.0f} pixels of the original)" in caution
    assert caution.startswith("Outline proposed (unsaved)")  # still proposed, said in one box


def test_an_edited_proposal_and_a_hand_drawing_say_so(app_data: Path, scene: Scene) -> None:
    app, _, proposal = clicked_largest(app_data, scene)
    edited = proposal.buffer(0.00005, join_style="mitre").simplify(0.00001)  # moved a little
    west, south, _, _ = scene.lonlat_bounds
    far = box(west + 0.002, south + 0.002, west + 0.003, south + 0.003)  # elsewhere, by hand
    features = [
        {"type": "Feature", "properties": {}, "geometry": g.__geo_interface__}
        for g in (edited, far)
    ]
    app = map_sends(app, all_drawings=features)
    button(app, "Save as draft").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    saved = {lab.drawing: lab for lab in open_store(app_data / "labels").query()}
    assert set(saved) == {PROPOSED_EDITED, HAND}
    assert saved[PROPOSED_EDITED].assist_version == assist_version(BOTH_DATES)
    assert saved[HAND].assist_version is None


def test_a_click_in_no_field_or_outside_the_scene_says_so_and_adds_nothing(
    app_data: Path, scene: Scene
) -> None:
    area_text, _, (lon, lat) = enhanced_area(scene)
    app = map_sends(on_the_tool(area_text), last_clicked={"lat": lat, "lng": lon})
    assert not app.exception
    assert NO_FIELD in [w.value for w in app.warning]
    west, _, _, north = scene.lonlat_bounds
    app = map_sends(app, last_clicked={"lat": north + 0.1, "lng": west - 0.1})
    assert any("outside the scene" in w.value for w in app.warning)
    assert Drafts(app_data / "drafts", SITA.name, scene.scene_id).load().new == []


def test_outline_all_queues_the_fields_to_keep_or_skip_one_by_one(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, queued = outlined_all(app_data, scene)
    assert len(queued) >= 2
    heading = QUEUE_HEADING.format(n=len(queued))
    assert any(m.value.startswith(heading) for m in app.markdown)
    button(app, "Keep").click().run()
    assert [b.label for b in app.button if b.label.endswith(" field")] == [
        "Larger field",
        "Smaller field",
    ]  # a kept proposal can be proposed again larger or smaller, as a clicked one
    button(app, "Skip").click().run()
    assert not app.exception
    [kept] = drafts.load().new
    assert kept.equals(queued[0])
    assert Proposals.beside(drafts.path).queue == queued[2:]
    button(app, "Stop").click().run()
    assert Proposals.beside(drafts.path).queue == []
    button(app, "Save & submit").click().run()
    [saved] = open_store(app_data / "labels").query()
    assert saved.drawing == PROPOSED


def test_the_answers_keep_skip_and_save_sit_under_the_map_and_the_last_proposal_says_so(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, queued = outlined_all(app_data, scene)
    under_map, side = app.columns[0], app.columns[1]  # the map's column, the side panel's
    labels = [b.label for b in under_map.button]
    assert {*QUEUE_BUTTONS, "Save & submit", "Save as draft"} <= set(labels)
    assert not {*QUEUE_BUTTONS, "Save & submit"} & {b.label for b in side.button}
    assert [s.label for s in under_map.selectbox][:1] == ["Crop of the new fields"]
    assert any(i.value.startswith(f"{len(queued)} field(s) proposed") for i in under_map.info)
    [words] = [m.value for m in under_map.markdown if m.value.startswith("**Proposed field")]
    assert words.startswith(QUEUE_HEADING.format(n=len(queued))) and QUEUE_KEYS_NOTE in words
    record = Proposals.beside(drafts.path)
    record.queue = record.queue[-1:]  # the others kept or skipped
    record.save()
    button(app.run(), "Keep").click().run()
    assert not app.exception
    assert QUEUE_DONE in [i.value for i in app.columns[0].info]
    assert not any(b.label in QUEUE_BUTTONS for b in app.button)
    [kept] = drafts.load().new
    assert kept.equals(queued[-1])
    assert {"Larger field", "Smaller field"} <= {b.label for b in app.columns[0].button}


def test_outline_all_sits_under_the_map_where_its_answer_comes_and_waits_for_an_area(
    app_data: Path, scene: Scene
) -> None:
    """On a laptop's window the side panel's foot is three screens below the map: pressed
    there, Outline all's Keep / Skip came out of sight."""

    def outline_all(app: AppTest) -> list[Any]:  # the button where it is, side or map
        return [b for b in app.button if b.label == OUTLINE_ALL]

    app = run_page("pages/label.py", SITA, method="bicubic")
    app.radio(key="tool").set_value(OUTLINE_TOOL).run()
    [nothing_enhanced] = outline_all(app)
    assert nothing_enhanced.disabled and nothing_enhanced.help == OUTLINE_ALL_NEEDS_AREA
    app, drafts, queued = outlined_all(app_data, scene)
    assert queued and not outline_all(app)  # while a field waits, Stop ends the queue
    button(app, "Stop").click().run()
    [before] = [b for b in app.columns[0].button if b.label == OUTLINE_ALL]
    assert not before.disabled and not [b for b in app.columns[1].button if b.label == OUTLINE_ALL]
    clicked, _, _ = clicked_largest(app_data, scene)
    [after] = outline_all(clicked)  # beside Larger / Smaller field, under the map
    assert {OUTLINE_ALL, "Larger field"} <= {b.label for b in clicked.columns[0].button}
    after.click().run()
    assert not clicked.exception and Proposals.beside(drafts.path).queue


def test_outline_all_stops_at_saved_fields_and_leaves_out_those_inside_them(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, (first, second, *others) = outlined_all(app_data, scene)
    west, south, east, north = first.bounds
    half = first.intersection(box((west + east) / 2, south, east, north))
    save_beside(app_data, scene, half, HAND)  # half of the first field drawn by hand
    save_beside(app_data, scene, second, HAND)  # the second field drawn by hand, all of it
    button(app, "Stop").click().run()
    button(app, "Outline all fields here").click().run()
    assert not app.exception
    queued = Proposals.beside(drafts.path).queue
    assert any("(1 left out:" in i.value for i in answers(app))
    assert len(queued) == len(others) + 1
    saved = half.union(second)
    for other in others:  # the rest as before, less the slivers where they overlapped those
        found = max(queued, key=lambda q: q.intersection(other).area)
        assert found.area == pytest.approx(other.area - other.intersection(saved).area, rel=1e-6)
    rest = max(queued, key=lambda q: q.intersection(first).area)  # others touch it at most
    assert rest.area == pytest.approx(first.area - first.intersection(saved).area, rel=1e-6)
    assert all(q.intersection(saved).area < 1e-9 for q in queued)


def test_outline_all_says_plainly_when_every_field_it_found_is_saved_already(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, queued = outlined_all(app_data, scene)
    for field in queued:  # someone drew every field by hand meanwhile
        save_beside(app_data, scene, field, HAND)
    button(app, "Stop").click().run()
    button(app, "Outline all fields here").click().run()
    assert not app.exception
    assert Proposals.beside(drafts.path).queue == []
    [said] = [w.value for w in app.warning]
    assert said.startswith(NONE_LEFT.format(n=len(queued)))
    rest = said.removeprefix(NONE_LEFT.format(n=len(queued)))  # the river's reach, if any
    assert rest in ("", *(" " + WATER_LEFT_OUT.format(n=n) for n in range(1, 9)))
    assert not any("proposed:" in i.value or "Proposed field" in i.value for i in app.info)
    assert not any(b.label == "Keep" for b in app.button)


def test_the_next_proposed_field_stops_at_fields_saved_since_outline_all(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, (first, second, third, *others) = outlined_all(app_data, scene)
    half = second.intersection(far_side(second, second.centroid.x))
    save_beside(app_data, scene, half, HAND)  # Maya, meanwhile: half of the second by hand
    save_beside(app_data, scene, third, HAND)  # and all of the third
    button(app, "Keep").click().run()
    assert not app.exception
    queued = Proposals.beside(drafts.path).queue
    assert queued[0].area == pytest.approx(second.area - half.area, rel=1e-6)
    assert queued[0].intersection(half).area < 1e-9
    assert queued[1:] == [third, *others]  # the rest is fitted when its turn comes
    assert any(QUEUE_CUT in i.value for i in answers(app))
    [kept] = drafts.load().new
    assert kept.equals(first)

    button(app, "Keep").click().run()  # the second, as the map showed it
    assert drafts.load().new[1].equals(queued[0])
    head, *rest = Proposals.beside(drafts.path).queue  # the third lay inside: skipped
    assert rest == others[1:]
    saved = half.union(third)  # the next waiting loses the slivers where it overlapped them
    assert head.area == pytest.approx(others[0].area - others[0].intersection(saved).area)
    assert any(QUEUE_SKIPPED.format(n=1) in i.value for i in answers(app))


def test_the_next_proposed_field_stops_at_the_volunteers_own_drawing_drawn_or_saved(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, (first, *others) = outlined_all(app_data, scene)
    half = first.intersection(far_side(first, first.centroid.x))
    feature = {"type": "Feature", "properties": {}, "geometry": mapping(half)}
    app = map_sends(app, all_drawings=[feature])  # drawn by hand, not saved yet
    assert not app.exception
    [head, *rest] = Proposals.beside(drafts.path).queue
    assert head.area == pytest.approx(first.area - half.area, rel=1e-6)
    assert rest == others
    button(app, "Save as draft").click().run()  # saved: the head stays as it is
    assert not app.exception
    [saved] = open_store(app_data / "labels").query()
    assert saved.drawing == HAND
    assert Proposals.beside(drafts.path).queue == [head, *others]


def test_outline_all_cautions_while_a_small_field_waits_for_keep_or_skip(
    app_data: Path, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, queued = outlined_all(app_data, scene)
    sizes = [original_pixels(q, scene.metres_per_pixel) for q in queued]
    assert min(sizes) >= SMALL_FIELD_PIXELS  # the sample's outline-all fields are not small
    # With a higher bar, the smaller half of them are (each cautioned as its turn comes).
    monkeypatch.setattr(ui.outline_assist, "SMALL_FIELD_PIXELS", float(np.median(sizes)))
    app.run()
    for size in sizes:
        cautions = [w.value for w in app.warning if w.value.startswith("A small field")]
        assert len(cautions) == (size < np.median(sizes))
        button(app, "Skip").click().run()
        assert not app.exception
    assert any(size < np.median(sizes) for size in sizes)


def test_outline_all_proposes_whole_fields_first_and_cautions_at_the_areas_edge(
    app_data: Path, scene: Scene
) -> None:
    """Fields the enhanced area's edge cuts come after the whole ones, and each says so
    while it waits for Keep or Skip."""
    app, drafts, queued = outlined_all(app_data, scene)
    frame = Proposals.beside(drafts.path).queue_frame
    assert frame is not None  # the area the queue was outlined on, kept with it
    at_edge = [frame.reaches_edge(q) for q in queued]
    assert any(at_edge) and not all(at_edge)  # the sample's area has both
    assert at_edge == sorted(at_edge)  # whole fields first
    said = f"{sum(at_edge)} of them reach the area's edge and come last."
    assert any(said in i.value for i in answers(app))
    for reaches in at_edge:
        assert any(w.value.endswith(EDGE_NOTE) for w in app.warning) is reaches
        assert any(b.label == CENTRE_BUTTON for b in app.button) is reaches
        if reaches:
            break
        button(app, "Skip").click().run()
        assert not app.exception
    before = Proposals.beside(drafts.path).queue
    waiting = before[0]
    button(app, CENTRE_BUTTON).click().run()  # the area moves to hold that field
    assert not app.exception
    # The queue stops: the proposals left were all cut by the old area's edge.
    assert all(frame.reaches_edge(q) for q in before) and len(before) > 1
    assert Proposals.beside(drafts.path).queue == []
    assert not any(b.label in QUEUE_BUTTONS for b in app.button)
    assert drafts.load().new == []
    area = box(*app.session_state["area"])
    crossing = frame.crossing(waiting)  # where the old area's edge cut it
    assert crossing is not None and area.contains(waiting)
    assert area.centroid.distance(crossing) < 1e-9
    stopped = f"{AREA_MOVED} {QUEUE_STOPPED.format(n=len(before) - 1)}"
    assert [i.value for i in answers(app)] == [stopped]
    assert not button(app, ENHANCE_CENTRED).disabled  # right under it


def fields_by_size(scene: Scene, area_text: str) -> tuple[np.ndarray, np.ndarray, list[int], Any]:
    """The fields the assist finds on an area :func:`enhanced_area` sharpened (numbered),
    whether each reaches the area's edge, their numbers largest first, and the area's
    raster."""
    bbox = tuple(float(v) for v in area_text.split(","))
    found = sharpened_fields(scene, bbox, every_date=True)
    numbers = np.abs(found.instances)
    edge = on_frame(numbers, int(numbers.max()) + 1)
    sizes = np.bincount(numbers.ravel())
    by_size = [int(n) for n in np.argsort(-sizes) if n and sizes[n]]
    return numbers, edge, by_size, found.raster


def test_a_click_on_a_field_the_areas_edge_cuts_comes_with_a_caution(
    app_data: Path, scene: Scene
) -> None:
    area_text, _, _ = enhanced_area(scene)
    numbers, edge, by_size, raster = fields_by_size(scene, area_text)
    cut = next(n for n in by_size if edge[n])
    whole = next(n for n in by_size if not edge[n])
    app = on_the_tool(area_text)
    for number, reaches in ((cut, True), (whole, False)):
        lon, lat = innermost_lonlat(numbers == number, raster)
        app = map_sends(app, last_clicked={"lat": lat, "lng": lon})
        assert not app.exception
        assert proposed_said(app)  # with the caution, in one box
        assert any(w.value.endswith(EDGE_NOTE) for w in app.warning) is reaches
        assert any(b.label == CENTRE_BUTTON for b in app.button) is reaches
        if reaches:  # the area moves to hold the proposed field
            drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
            *others, proposal = drafts.load().new
            button(app, CENTRE_BUTTON).click().run()
            assert box(*app.session_state["area"]).contains(proposal)
            # the cut outline leaves the unsaved drawings: it cannot be saved beside the
            # whole field, outlined next
            assert drafts.load().new == others
            assert Proposals.beside(drafts.path).last_click is None
            assert not any(b.label == "Larger field" for b in app.button)
            app = on_the_tool(area_text)  # back to the first area


def clicked_on_a_cut_field(app_data: Path, scene: Scene) -> tuple[AppTest, Drafts, Any, Point]:
    """Sita's page after a click on the largest field the enhanced area's edge cuts: the
    page, her drafts, the area's box and the click."""
    area_text, _, _ = enhanced_area(scene)
    numbers, edge, by_size, raster = fields_by_size(scene, area_text)
    cut = next(n for n in by_size if edge[n])
    lon, lat = innermost_lonlat(numbers == cut, raster)
    app = map_sends(on_the_tool(area_text), last_clicked={"lat": lat, "lng": lon})
    assert not app.exception
    area = box(*(float(v) for v in area_text.split(",")))
    return app, Drafts(app_data / "drafts", SITA.name, scene.scene_id), area, Point(lon, lat)


def test_centring_on_a_cut_field_proposes_it_again_once_the_new_area_is_enhanced(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, old_area, click = clicked_on_a_cut_field(app_data, scene)
    button(app, CENTRE_BUTTON).click().run()
    assert not app.exception and drafts.load().new == []
    assert any(i.value == AREA_MOVED for i in app.info)  # which asks for the button under it
    assert not any(c.value == CENTRED_WAITS for c in app.caption)
    assert not button(app, ENHANCE_CENTRED).disabled
    new_area = tuple(app.session_state["area"])
    app.run()  # the new area is not enhanced yet: nothing is proposed
    assert drafts.load().new == []
    assert any(c.value == CENTRED_WAITS for c in app.caption)  # Enhance, under the map
    assert not button(app, ENHANCE_CENTRED).disabled

    sharpened_fields(scene, new_area, every_date=True)  # as Enhance would
    app.run()
    assert not app.exception
    assert not any(b.label == ENHANCE_CENTRED for b in app.button)
    [again] = drafts.load().new  # as a click at the same place on the new area
    assert again.contains(click) and not old_area.contains(again)  # past the old edge
    assert any(a.value.startswith(CENTRED_LEAD) for a in answers(app))
    assert Proposals.beside(drafts.path).last_click is not None  # Larger / Smaller work
    app.run()  # proposed once
    assert len(drafts.load().new) == 1


def test_the_field_centred_on_is_forgotten_when_the_area_changes_first(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, old_area, _ = clicked_on_a_cut_field(app_data, scene)
    button(app, CENTRE_BUTTON).click().run()
    app.session_state["area"] = old_area.bounds  # the volunteer chose another area
    app.run()  # that one is enhanced: the field centred on is not proposed there
    assert not app.exception and drafts.load().new == []
    assert CENTRED_KEY not in app.session_state
    assert not any(b.label == ENHANCE_CENTRED for b in app.button)


def test_with_every_date_off_the_click_uses_the_date_on_screen_only(
    app_data: Path, scene: Scene
) -> None:
    area_text, (lon, lat), _ = enhanced_area(scene, every_date=False)
    app = on_the_tool(area_text)
    assert any(c.value.startswith("Uses both dates (date 1 and date 2;") for c in app.caption)
    app.toggle(key=EVERY_DATE_KEY).set_value(False).run()
    assert not any(c.value.startswith("Uses both dates") for c in app.caption)
    app = map_sends(app, last_clicked={"lat": lat, "lng": lon})
    assert not app.exception
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    [(proposal, version)] = Proposals.beside(drafts.path).proposed
    assert proposal.contains(Point(lon, lat)) and version == assist_version()


def test_both_dates_use_each_dates_enhanced_area_where_the_cache_has_one(
    app_data: Path, scene: Scene
) -> None:
    c = scene.footprint.centroid
    bbox = (c.x - 0.004, c.y - 0.003, c.x + 0.004, c.y + 0.003)
    first, second = (
        sharpen_area(SharpenRequest(scene, bbox, "bicubic", date=d), result_cache()) for d in (0, 1)
    )
    assert same_area_results(first, scene) == {0: first, 1: second}
    both = area_fields(scene, first, every_date=True)
    alone = area_fields(scene, first)
    assert both.dates == BOTH_DATES and alone.dates == ()
    assert both.raster.transform == alone.raster.transform
    assert both.instances.shape == alone.instances.shape
    assert not np.array_equal(both.instances, alone.instances)  # date 2 changes the fields


def test_larger_and_smaller_propose_the_clicked_field_again_in_its_place(
    app_data: Path, scene: Scene
) -> None:
    area_text, (lon, lat), _ = enhanced_area(scene)
    app = map_sends(on_the_tool(area_text), last_clicked={"lat": lat, "lng": lon})
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    [first] = drafts.load().new
    button(app, "Larger field").click().run()
    assert not app.exception
    assert any(i.value.startswith("Larger outline proposed in its place") for i in answers(app))
    [larger] = drafts.load().new
    record = Proposals.beside(drafts.path)
    assert record.last_click is not None and record.last_click.grow >= 1
    grow = record.last_click.grow
    assert larger.contains(Point(lon, lat)) and not larger.equals(first)
    assert larger.area > first.area
    assert record.proposed[-1] == (larger, assist_version(BOTH_DATES, grow))
    assert f"@{0.5 - 0.1 * grow:g} " in record.proposed[-1][1]  # the level it was merged to

    button(app, "Smaller field").click().run()
    [smaller] = drafts.load().new
    assert smaller.area < larger.area and smaller.contains(Point(lon, lat))
    record = Proposals.beside(drafts.path)
    assert record.last_click is not None and record.last_click.grow < grow
    version = record.proposed[-1][1]

    button(app, "Save & submit").click().run()
    assert not app.exception
    [saved] = open_store(app_data / "labels").query()
    assert saved.drawing == PROPOSED and saved.geometry.equals_exact(smaller, 1e-9)
    assert saved.assist_version == version  # the level it was proposed at
    assert not [b for b in app.button if b.label == "Larger field"]  # saved: nothing to resize


def test_an_edited_proposal_is_not_resized(app_data: Path, scene: Scene) -> None:
    app, drafts, proposal = clicked_largest(app_data, scene)
    edited = proposal.buffer(0.00005, join_style="mitre").simplify(0.00001)
    feature = {"type": "Feature", "properties": {}, "geometry": edited.__geo_interface__}
    app = map_sends(app, all_drawings=[feature])
    assert not app.exception
    assert not [b for b in app.button if b.label == "Larger field"]
    [kept] = drafts.load().new
    assert kept.equals_exact(edited, 1e-6)


def test_the_latest_click_is_kept_beside_the_drafts_and_finds_its_proposal(
    tmp_path: Path,
) -> None:
    drafts_path = tmp_path / "sita.json"
    proposal, other = box(10, 46, 10.001, 46.001), box(11, 46, 11.001, 46.001)
    record = Proposals.beside(drafts_path)
    record.add(proposal, "v")
    corrections = ((10.0008, 46.0008, False), (10.0002, 46.0001, True))
    record.last_click = LastClick(10.0005, 46.0005, True, 1, -2, corrections)
    record.save()
    again = Proposals.beside(drafts_path)
    assert again.last_click == record.last_click
    assert again.latest_unchanged([other, proposal]) == 1
    assert again.latest_unchanged([other, proposal.buffer(0.0001)]) is None  # edited
    again.last_click = None  # a proposal from "outline all": nothing to resize
    assert again.latest_unchanged([proposal]) is None


def correction_points(
    scene: Scene, area_text: str, first: tuple[float, float]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """lon/lat of a click that cuts a part off the first click's outline and of one that then
    adds a part, as the library answers them: the innermost points of finer parts on the
    outline's edge (a Smaller press's levels) and of the other fields touching what is left."""
    bbox = tuple(float(v) for v in area_text.split(","))
    request = SharpenRequest(scene, bbox, "bicubic", requested_by="Sita")
    shown = sharpen_area(request, result_cache())
    raster = area_fields(scene, shown, True).raster

    def pixel(lon: float, lat: float) -> tuple[float, float]:
        [x], [y] = transform_points("EPSG:4326", raster.crs, [lon], [lat])
        col, row = ~raster.transform @ (x, y)
        return col, row

    def outline(*corrections: Correction) -> np.ndarray:
        clicks = constraints(pixel(*first), corrections)
        instances = area_fields(scene, shown, True, 0, clicks).instances
        col, row = (int(v) for v in pixel(*first))
        return instances == instances[row, col]

    before = outline()
    edge = before & ~ndi.binary_erosion(before)
    col, row = (int(v) for v in pixel(*first))
    for grow in range(-1, -MAX_GROW - 1, -1):
        finer = np.abs(area_fields(scene, shown, True, grow).instances)
        for number in np.unique(finer[edge & (finer != finer[row, col])]):
            cut = innermost_lonlat((finer == number) & before, raster)
            after = outline(Correction(*pixel(*cut), add=False))
            if after.sum() < before.sum():
                base = np.abs(area_fields(scene, shown, True).instances)
                ring = ndi.binary_dilation(after) & ~after & (base != 0) & (base != base[row, col])
                add = innermost_lonlat(base == np.bincount(base[ring]).argmax(), raster)
                return cut, add
    raise AssertionError("no part of the outline can be cut off")


def test_later_clicks_cut_off_add_and_undo_in_place(app_data: Path, scene: Scene) -> None:
    area_text, (lon, lat), _ = enhanced_area(scene)
    cut, add = correction_points(scene, area_text, (lon, lat))
    app = map_sends(on_the_tool(area_text), last_clicked={"lat": lat, "lng": lon})
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    [first] = drafts.load().new

    app.radio(key=NEXT_CLICK_KEY).set_value(CUT_PART).run()
    inside = {"lat": cut[1], "lng": cut[0]}  # on the proposal: the map reports a shape's click
    app = map_sends(app, last_clicked=inside, last_object_clicked=inside)
    assert not app.exception
    assert any(i.value.startswith("Part cut off") for i in answers(app))
    [smaller] = drafts.load().new
    assert smaller.area < first.area and smaller.contains(Point(lon, lat))
    assert not smaller.contains(Point(*cut))

    again = map_sends(app, last_clicked={"lat": lat + 1e-7, "lng": lon})  # on the first click
    assert NOT_CUT in [w.value for w in again.warning]
    assert drafts.load().new[0].equals_exact(smaller, 1e-9)  # nothing changed

    again.radio(key=NEXT_CLICK_KEY).set_value(ADD_PART).run()
    app = map_sends(again, last_clicked={"lat": add[1], "lng": add[0]})
    assert any(i.value.startswith("Part added") for i in answers(app))
    [larger] = drafts.load().new
    assert larger.contains(Point(*add)) and larger.area > smaller.area
    record = Proposals.beside(drafts.path)
    assert record.last_click is not None
    assert [c[2] for c in record.last_click.corrections] == [False, True]  # the unchanged cut
    assert record.proposed[-1][0].equals_exact(larger, 1e-9)

    button(app, "Undo last click").click().run()
    assert any(i.value.startswith("Last click undone") for i in answers(app))
    [undone] = drafts.load().new
    assert undone.equals_exact(smaller, 1e-9)
    record = Proposals.beside(drafts.path)
    assert record.last_click is not None and len(record.last_click.corrections) == 1

    button(app, "Save & submit").click().run()
    assert not app.exception
    [saved] = open_store(app_data / "labels").query()
    assert saved.drawing == PROPOSED and saved.geometry.equals_exact(smaller, 1e-9)
    assert not [r for r in app.radio if r.key == NEXT_CLICK_KEY]  # saved: a new field next


def test_a_cut_that_takes_most_of_an_outline_comes_with_a_caution() -> None:
    before = box(10, 46, 10.004, 46.004)
    assert cut_caution(before, box(10, 46, 10.004, 46.003)) is None  # a quarter taken
    caution = cut_caution(before, box(10, 46, 10.001, 46.004))
    assert caution is not None and caution.startswith("That cut took away 75% of the outline")
    assert "Undo last click" in caution


def corners_around(mask: np.ndarray, raster: object, margin: int = 2) -> tuple[dict, dict]:
    """Two opposite corners (st_folium clicks) of a field's box, ``margin`` pixels outside."""
    rows, cols = np.nonzero(mask)
    clicks = []
    for col, row in (
        (cols.min() - margin, rows.min() - margin),
        (cols.max() + 1 + margin, rows.max() + 1 + margin),
    ):
        x, y = raster.transform @ (col, row)  # type: ignore[attr-defined]
        [lon], [lat] = transform_points(raster.crs, "EPSG:4326", [x], [y])  # type: ignore[attr-defined]
        clicks.append({"lat": lat, "lng": lon})
    return clicks[0], clicks[1]


def test_two_corners_propose_the_field_between_them_that_saves_as_proposed_by_a_box(
    app_data: Path, scene: Scene
) -> None:
    area_text, _, _ = enhanced_area(scene)
    c = scene.footprint.centroid
    found = sharpened_fields(scene, (c.x - 0.005, c.y - 0.004, c.x + 0.005, c.y + 0.004), True)
    instances = found.instances
    largest = instances == np.bincount(instances[instances > 0]).argmax()
    first, second = corners_around(largest, found.raster)
    app = on_the_tool(area_text)
    app.radio(key=OUTLINE_BY_KEY).set_value(TWO_CORNERS).run()
    app.session_state[CORNER_KEY] = ("another scene", 16.0, 48.0)  # left on another scene
    # The first corner on a shape (say, a neighbour's saved field) counts too.
    app = map_sends(app, last_clicked=first, last_object_clicked=first)
    assert any("First corner marked" in i.value for i in answers(app))
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    assert drafts.load().new == []
    app = map_sends(app, last_clicked=second)
    assert not app.exception
    assert proposed_said(app)
    [proposal] = drafts.load().new
    # Trimmed to the box the corners make on the view's grid (a little turned from lon/lat).
    on_grid = shape(transform_geom("EPSG:4326", found.raster.crs, mapping(proposal)))
    t = ~found.raster.transform
    pixels = affine_transform(on_grid, [t.a, t.b, t.d, t.e, t.xoff, t.yoff])
    rows, cols = np.nonzero(largest)
    between = box(cols.min() - 2, rows.min() - 2, cols.max() + 3, rows.max() + 3)
    assert between.buffer(0.01).contains(pixels)
    assert pixels.area > 0.3 * between.area
    assert not [b for b in app.button if b.label == "Larger field"]  # a click's buttons only

    button(app, "Save & submit").click().run()
    assert not app.exception
    [saved] = open_store(app_data / "labels").query()
    assert (saved.drawing, saved.assist_version) == (
        PROPOSED,
        assist_version(BOTH_DATES, box=True),
    )
    assert (
        saved.assist_version.endswith("+box [stacked: date 1, date 2]")
        or "+box" in saved.assist_version
    )


def test_the_choice_of_one_click_or_two_corners_comes_right_under_the_maps_tool(
    app_data: Path,
) -> None:
    """It sat at the foot of the side panel, about three screens below the map on a laptop,
    while the small-field caution under the map suggested two corners."""
    app = run_page("pages/label.py", SITA, method="bicubic")
    assert OUTLINE_BY not in [r.label for r in app.radio]  # not with Choose an area
    app.radio(key="tool").set_value(OUTLINE_TOOL).run()
    [side] = [c for c in app.columns if "On the map" in [r.label for r in c.radio]]
    assert [r.label for r in side.radio][:2] == ["On the map", OUTLINE_BY]
    app.radio(key=OUTLINE_BY_KEY).set_value(TWO_CORNERS).run()
    assert not app.exception
    assert any("Click two opposite corners" in c.value for c in app.caption)
    app.radio(key="tool").set_value(FIELDS_TOOL).run()
    assert OUTLINE_BY not in [r.label for r in app.radio]


def test_two_corners_at_one_place_or_outside_the_scene_say_so_and_add_nothing(
    app_data: Path, scene: Scene
) -> None:
    area_text, (lon, lat), _ = enhanced_area(scene)
    app = on_the_tool(area_text)
    app.radio(key=OUTLINE_BY_KEY).set_value(TWO_CORNERS).run()
    app = map_sends(app, last_clicked={"lat": lat, "lng": lon})
    app = map_sends(app, last_clicked={"lat": lat + 1e-6, "lng": lon + 1e-6})
    assert not app.exception
    assert NO_FIELD_IN_BOX in [w.value for w in app.warning]
    west, _, _, north = scene.lonlat_bounds
    app = map_sends(app, last_clicked={"lat": north + 0.1, "lng": west - 0.2})
    app = map_sends(app, last_clicked={"lat": north + 0.2, "lng": west - 0.1})
    assert any("outside the scene" in w.value for w in app.warning)
    assert Drafts(app_data / "drafts", SITA.name, scene.scene_id).load().new == []


def test_two_corners_where_nothing_is_enhanced_use_the_original_around_them(
    scene: Scene,
) -> None:
    c = scene.footprint.centroid
    view = original_fields(scene, c.x, c.y, every_date=True)
    instances = view.instances
    largest = instances == np.bincount(instances[instances > 0]).argmax()
    first, second = corners_around(largest, view.raster)
    corners = (first["lng"], first["lat"], second["lng"], second["lat"])
    polygon, version = propose_in_box(scene, None, corners, every_date=True)
    assert version == assist_version(BOTH_DATES, box=True)
    assert polygon is not None and polygon.is_valid
    lons, lats = sorted(corners[::2]), sorted(corners[1::2])
    assert box(lons[0], lats[0], lons[1], lats[1]).buffer(2e-4).contains(polygon)
    west, south, _, _ = scene.lonlat_bounds
    with pytest.raises(SceneError):
        propose_in_box(scene, None, (west - 0.2, south - 0.2, west - 0.1, south - 0.1))


def by_the_river(scene: Scene) -> tuple[str, tuple[float, float]]:
    """An area of the sample sharpened (bicubic) over the Danube's bank, as the page's
    ``area_text``, and the lon/lat of the pixel deepest in open water on both dates there
    (by the scene's own pixels)."""
    x, y = scene.transform @ (150, 250)
    [lon], [lat] = transform_points(scene.crs, "EPSG:4326", [x], [y])
    bbox = (lon - 0.005, lat - 0.004, lon + 0.005, lat + 0.004)
    area = sharpened_fields(scene, bbox, every_date=True)  # into the cache, for the page
    read = read_area(scene, bbox)
    water = np.ones(read.array.shape[1:], dtype=bool)
    for date in scene.dates:
        green, nir = (read.array[b - 1].astype(float) for b in (date.bands.green, date.bands.nir))
        water &= green > nir
    row, col = np.unravel_index(ndi.distance_transform_edt(water).argmax(), water.shape)
    x, y = read.transform @ (col + 0.5, row + 0.5)
    [lon], [lat] = transform_points(scene.crs, "EPSG:4326", [x], [y])
    assert _covers(area.raster, lon, lat) is not None
    return ",".join(repr(v) for v in bbox), (lon, lat)


def test_outline_all_leaves_out_open_water_and_says_so(
    app_data: Path, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    area_text, _ = by_the_river(scene)
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    with monkeypatch.context() as blind:  # Outline all as it was before the water check
        blind.setattr(
            ui.outline_assist, "water_checks", lambda s, found: [WaterCheck(())] * len(found)
        )
        button(on_the_tool(area_text), "Outline all fields here").click().run()
        found = Proposals.beside(drafts.path).queue
    checks = water_checks(scene, found)
    wet = [p for p, c in zip(found, checks, strict=True) if c.looks_like_water]
    assert wet  # the assist finds reaches of the river as readily as fields
    app = on_the_tool(area_text)
    button(app, "Stop").click().run()
    button(app, "Outline all fields here").click().run()
    assert not app.exception
    queued = Proposals.beside(drafts.path).queue
    dry = [p for p, c in zip(found, checks, strict=True) if not c.looks_like_water]
    assert len(queued) == len(dry) and all(q.equals(p) for q, p in zip(queued, dry, strict=True))
    said = [a.value for a in answers(app) if "field(s) proposed" in a.value]
    assert len(said) == 1 and said[0].endswith(" " + WATER_LEFT_OUT.format(n=len(wet)))


def test_a_click_on_the_river_proposes_it_with_a_caution(app_data: Path, scene: Scene) -> None:
    area_text, (lon, lat) = by_the_river(scene)
    app = map_sends(on_the_tool(area_text), last_clicked={"lat": lat, "lng": lon})
    assert not app.exception
    drafts = Drafts(app_data / "drafts", SITA.name, scene.scene_id)
    [proposal] = drafts.load().new  # still proposed: the volunteer decides
    [caution] = [w.value for w in app.warning if "Looks like open water" in w.value]
    assert caution.startswith("Outline proposed (unsaved)")
    assert water_note(scene, proposal, reviewing=False) in caution


def merged_with_drawings(app: AppTest, *drawings: BaseGeometry) -> AppTest:
    """The map's report of ``drawings`` (the last just drawn by hand) waiting for the page's
    next run: on a busy server Streamlit hands the page that report and a button's press in
    one run, and the button's callback runs before the page reads the map."""
    features = [{"type": "Feature", "properties": {}, "geometry": mapping(d)} for d in drawings]
    app.session_state[LABEL_MAP] = {
        "all_drawings": features,
        "last_active_drawing": features[-1],
        "last_clicked": None,
        "last_object_clicked": None,
    }
    return app


def same_outline(a: BaseGeometry, b: BaseGeometry) -> bool:
    return a.symmetric_difference(b).area <= 1e-6 * max(a.area, b.area)


def test_a_keep_pressed_as_the_map_reports_a_drawing_keeps_both(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, (first, *others) = outlined_all(app_data, scene)
    hand = translate(first, yoff=first.bounds[3] - first.bounds[1] + 0.002)  # apart from all
    assert not any(hand.intersects(q) for q in [first, *others])
    button(merged_with_drawings(app, hand), "Keep").click().run()
    assert not app.exception
    drawn = drafts.load().new
    assert len(drawn) == 2
    assert any(same_outline(g, first) for g in drawn) and any(same_outline(g, hand) for g in drawn)
    app.run()  # and on the next run too
    assert len(drafts.load().new) == 2


def test_larger_pressed_as_the_map_reports_a_drawing_acts_on_the_map_as_shown(
    app_data: Path, scene: Scene
) -> None:
    app, drafts, proposal = clicked_largest(app_data, scene)
    hand = translate(proposal, yoff=proposal.bounds[3] - proposal.bounds[1] + 0.002)
    button(merged_with_drawings(app, proposal, hand), "Larger field").click().run()
    assert not app.exception
    larger, drawn = drafts.load().new
    assert same_outline(drawn, hand)  # the field drawn by hand is kept
    assert larger.area > proposal.area  # resized, in its place
    assert larger.intersection(proposal).area >= 0.9 * proposal.area
