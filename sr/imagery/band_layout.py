"""Which bands of a scene belong to which date: a scene may hold several dates.

A file says it in one of four ways, tried in this order:

1. **per-band dates**: each band's own ``DATETIME`` (or ``ACQUISITION_DATE``) tag, or a date
   in its description (``B04 2024-07-05``); the time stacks ``sr.stac.stack`` writes carry
   both, from the STAC items' datetimes;
2. **repeated band names**: descriptions that name red, green and blue more than once
   (``B4 B3 B2 B8 B4 B3 B2 B8``) are that many dates, in file order; the dataset tag
   ``DATES`` (comma-separated) gives their dates when the file has it;
3. **a written layout**: the dataset tag ``BAND_LAYOUT`` (``2 x (B4 B3 B2 B8)``);
4. **a layout the coordinator confirmed** for this file (:class:`LayoutBook`).

A file of 3 or 4 unnamed bands is one date, red, green, blue (and near-infrared), as
before. Anything else that cannot be told (eight unnamed bands: one date with eight bands,
or two dates of four?) is refused with :class:`AmbiguousLayoutError`, whose message asks for
the layout; nothing is guessed and no band is dropped without a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from sr.imagery.acquisition import ACQUISITION_TAGS, parse_acquisition
from sr.imagery.bands import BandRoles, role_of_name
from sr.imagery.file_answers import FileAnswers, answers_folder
from sr.imagery.scene_errors import SceneError

#: per-band tags that date a band (``DATETIME`` is what sr.stac.search writes)
BAND_DATE_TAGS = ("DATETIME", "ACQUISITION_DATE", "DATE")
DATES_TAG = "DATES"
LAYOUT_TAG = "BAND_LAYOUT"
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_LAYOUT = re.compile(r"^\s*(?:(\d+)\s*[x×*]\s*)?\(?([^()@]*?)\)?\s*(?:@\s*(.*))?$", re.IGNORECASE)
#: band names a layout may use for a band that is none of the four (kept, not shown)
OTHER_NAMES = {"other", "-", "x", "skip"}
#: the layouts offered to a coordinator, most common first (Sentinel-2 exports, Landsat order)
COMMON_ORDERS = ("B4 B3 B2 B8", "B2 B3 B4 B8", "B4 B3 B2", "B2 B3 B4")


class AmbiguousLayoutError(SceneError):
    """The file's bands cannot be told apart without asking; ``count`` is its band count."""

    def __init__(self, message: str, count: int) -> None:
        super().__init__(message)
        self.count = count


@dataclass(frozen=True)
class SceneDate:
    """One date of a scene: its label, its time (RFC 3339, None when the file does not say)
    and its colour bands (1-based band indexes of the file)."""

    label: str
    when: str | None
    bands: BandRoles

    @property
    def indexes(self) -> tuple[int, ...]:
        """The date's red, green, blue (and NIR) bands, in that order."""
        roles = (self.bands.red, self.bands.green, self.bands.blue, self.bands.nir)
        return tuple(i for i in roles if i is not None)


@dataclass(frozen=True)
class BandLayout:
    """The dates of a scene and how they were found (``source``)."""

    dates: tuple[SceneDate, ...]
    source: str  # "single", "band dates", "band names", "tag", "confirmed"
    count: int

    @property
    def unused(self) -> tuple[int, ...]:
        """Bands that belong to no date's colour bands (shown to the coordinator, never hidden)."""
        used = {i for d in self.dates for i in d.indexes}
        return tuple(i for i in range(1, self.count + 1) if i not in used)

    def describe(self) -> str:
        """e.g. '2 dates (2024-07-05, 2024-08-04) · bands 5-8 unused'."""
        if len(self.dates) == 1:
            text = "1 date" + (f" ({self.dates[0].label})" if self.dates[0].when else "")
        else:
            text = f"{len(self.dates)} dates ({', '.join(d.label for d in self.dates)})"
        if self.unused:
            text += f" · band(s) {', '.join(map(str, self.unused))} not shown"
        return text


def ambiguous_message(name: str, count: int) -> str:
    """What the coordinator is told about a file whose bands cannot be told apart."""
    return (
        f"{name} has {count} bands and does not say which is which (no band names or dates), "
        f"so it could be one date of {count} bands or several dates. Nothing was guessed: "
        f"confirm its band layout, for example 2 × (B4 B3 B2 B8) for two dates of red, "
        "green, blue and near-infrared."
    )


def detect_layout(
    name: str,
    descriptions: Sequence[str | None],
    band_tags: Sequence[Mapping[str, str]],
    tags: Mapping[str, str],
    default: BandRoles,
    confirmed: str | None = None,
) -> BandLayout:
    """The dates of a file from its band names and tags (module docstring), or a confirmed
    layout text; raises :class:`AmbiguousLayoutError` when that cannot be told."""
    count = len(descriptions)
    found = _from_band_dates(name, descriptions, band_tags)
    if found is None:
        found = _from_repeated_names(name, descriptions, tags)
    if found is None and (text := tags.get(LAYOUT_TAG) or confirmed):
        dates = parse_layout(text, count, name)
        return BandLayout(dates, "tag" if tags.get(LAYOUT_TAG) else "confirmed", count)
    if found is not None:
        return BandLayout(found[0], found[1], count)
    if count > 4 and not _names_roles(descriptions):
        raise AmbiguousLayoutError(ambiguous_message(name, count), count)
    when = _dataset_date(tags)
    label = when[:10] if when else "the scene's date"
    return BandLayout((SceneDate(label, when, default),), "single", count)


def _dataset_date(tags: Mapping[str, str]) -> str | None:
    for tag in ACQUISITION_TAGS:
        if (value := parse_acquisition(tags.get(tag, ""))) is not None:
            return value
    return None


def _names_roles(descriptions: Sequence[str | None]) -> bool:
    """Whether the band names name red, green and blue."""
    roles = {role_of_name(d or "") for d in descriptions}
    return {"red", "green", "blue"} <= roles


def date_of_text(text: str) -> str | None:
    """An ISO date-time, or the first date (2024-07-05 or 20240705) in a text, as RFC 3339."""
    if (value := parse_acquisition(text)) is not None:
        return value
    match = _DATE_IN_TEXT.search(text)
    if match is None:
        return None
    try:
        day = datetime(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return parse_acquisition(day.date().isoformat())


def _band_date(description: str | None, tags: Mapping[str, str]) -> str | None:
    for tag in BAND_DATE_TAGS:
        if (value := parse_acquisition(tags.get(tag, ""))) is not None:
            return value
    return date_of_text(description or "")


def _roles_in(
    name: str, indexes: Sequence[int], descriptions: Sequence[str | None], label: str
) -> BandRoles:
    """The colour bands among ``indexes`` by their names (3 or 4 unnamed bands: R G B NIR)."""
    roles: dict[str, int] = {}
    for index in indexes:
        role = role_of_name(descriptions[index - 1] or "")
        if role is not None and role not in roles:
            roles[role] = index
    if {"red", "green", "blue"} <= roles.keys():
        return BandRoles(roles["red"], roles["green"], roles["blue"], roles.get("nir"))
    if not roles and len(indexes) in (3, 4):
        nir = indexes[3] if len(indexes) == 4 else None
        return BandRoles(indexes[0], indexes[1], indexes[2], nir)
    raise AmbiguousLayoutError(
        f"{name}: the bands of {label} ({', '.join(map(str, indexes))}) do not name red, green "
        "and blue. Confirm the band layout, for example 2 × (B4 B3 B2 B8).",
        len(descriptions),
    )


def _from_band_dates(
    name: str, descriptions: Sequence[str | None], band_tags: Sequence[Mapping[str, str]]
) -> tuple[tuple[SceneDate, ...], str] | None:
    """Dates from each band's tags or description; None when no band is dated."""
    dated = [
        _band_date(d, band_tags[i] if i < len(band_tags) else {})
        for i, d in enumerate(descriptions)
    ]
    if not any(dated):
        return None
    if not all(dated):
        undated = ", ".join(str(i) for i, d in enumerate(dated, 1) if d is None)
        raise AmbiguousLayoutError(
            f"{name}: some bands carry a date and band(s) {undated} do not. "
            "Confirm the band layout, for example 2 × (B4 B3 B2 B8).",
            len(descriptions),
        )
    groups: dict[str, list[int]] = {}
    for index, when in enumerate(dated, 1):
        assert when is not None
        groups.setdefault(when, []).append(index)
    dates = tuple(
        SceneDate(when[:10], when, _roles_in(name, indexes, descriptions, when[:10]))
        for when, indexes in sorted(groups.items())
    )
    return _distinct_labels(dates), "band dates"


def _distinct_labels(dates: tuple[SceneDate, ...]) -> tuple[SceneDate, ...]:
    """Two passes on one day are labelled by their time too."""
    days = [d.label for d in dates]
    if len(set(days)) == len(days):
        return dates
    return tuple(
        SceneDate(f"{d.label} {d.when[11:16]}" if d.when else d.label, d.when, d.bands)
        for d in dates
    )


def _from_repeated_names(
    name: str, descriptions: Sequence[str | None], tags: Mapping[str, str]
) -> tuple[tuple[SceneDate, ...], str] | None:
    """Several dates from band names that repeat (the n-th red belongs to date n)."""
    by_role: dict[str, list[int]] = {}
    for index, desc in enumerate(descriptions, 1):
        role = role_of_name(desc or "")
        if role is not None:
            by_role.setdefault(role, []).append(index)
    repeats = {len(by_role.get(r, [])) for r in ("red", "green", "blue")}
    if len(repeats) != 1 or (k := repeats.pop()) < 2:
        return None
    nirs = by_role.get("nir", [])
    whens = [date_of_text(v) for v in tags.get(DATES_TAG, "").split(",") if v.strip()]
    if whens and (len(whens) != k or None in whens):
        raise AmbiguousLayoutError(
            f"{name}: its {DATES_TAG} tag lists {len(whens)} value(s) for {k} dates.",
            len(descriptions),
        )
    dates = []
    for n in range(k):
        when = whens[n] if whens else None
        roles = BandRoles(
            by_role["red"][n],
            by_role["green"][n],
            by_role["blue"][n],
            nirs[n] if len(nirs) == k else None,
        )
        dates.append(SceneDate(when[:10] if when else f"date {n + 1}", when, roles))
    return _distinct_labels(tuple(dates)), "band names"


def parse_layout(text: str, count: int, name: str = "the file") -> tuple[SceneDate, ...]:
    """Dates from a layout text: ``2 × (B4 B3 B2 B8)``, ``B4 B3 B2 B8 B4 B3 B2 B8`` or with
    dates ``2 × (B4 B3 B2 B8) @ 2024-05-01, 2024-09-01``; a band named ``other`` is kept
    but not shown. Raises AmbiguousLayoutError when it does not fit the file."""
    match = _LAYOUT.match(text)
    tokens = match[2].replace(",", " ").split() if match else []
    repeat = int(match[1]) if match and match[1] else 1
    if not tokens or repeat < 1:
        raise AmbiguousLayoutError(
            f"{text!r} is not a band layout: write it like 2 × (B4 B3 B2 B8).", count
        )
    per_date = len(tokens) if match and match[1] else None
    names = tokens * repeat
    if len(names) != count:
        raise AmbiguousLayoutError(
            f"The layout {text.strip()!r} names {len(names)} bands; {name} has {count}.", count
        )
    for token in names:
        if role_of_name(token) is None and token.lower() not in OTHER_NAMES:
            raise AmbiguousLayoutError(
                f"{token!r} in the layout is not a band this app knows (B2, B3, B4, B8, red, "
                "green, blue, nir, or 'other' for a band not shown).",
                count,
            )
    if per_date is None:  # a flat list: a date ends where a band's role comes again
        starts: list[int] = [0]
        roles_now: set[str] = set()
        for index, token in enumerate(names):
            role = role_of_name(token)
            if role is not None and role in roles_now:
                starts.append(index)
                roles_now = set()
            if role is not None:
                roles_now.add(role)
    else:
        starts = list(range(0, count, per_date))
    bounds = [*starts, count]
    whens = [date_of_text(v) for v in (match[3] or "").split(",") if v.strip()] if match else []
    if whens and (len(whens) != len(starts) or None in whens):
        raise AmbiguousLayoutError(
            f"The layout gives {len(whens)} date(s) for {len(starts)} band group(s).", count
        )
    dates = []
    for n, (start, stop) in enumerate(pairwise(bounds)):
        group = list(range(start + 1, stop + 1))
        label = f"date {n + 1}"
        described = [names[i - 1] if names[i - 1].lower() not in OTHER_NAMES else "" for i in group]
        full = [""] * count
        for index, desc in zip(group, described, strict=True):
            full[index - 1] = desc
        when = whens[n] if whens else None
        roles = _roles_in(name, group, full, when[:10] if when else label)
        dates.append(SceneDate(when[:10] if when else label, when, roles))
    return _distinct_labels(tuple(dates))


def layout_of_items(datetimes: Sequence[datetime], bands: Sequence[str]) -> str:
    """The ``BAND_LAYOUT`` tag of a stack of items, one group of ``bands`` per datetime."""
    whens = ", ".join(when.date().isoformat() for when in datetimes)
    return f"{len(datetimes)} x ({' '.join(bands)}) @ {whens}"


# --- confirmations ------------------------------------------------------------------------


class LayoutBook(FileAnswers):
    """The band layouts coordinators confirmed, one per file version (a changed file is asked
    about again); by default in ``$SHARPFIELDS_DATA/band_layouts``."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__(folder or answers_folder("band_layouts"))

    def get(self, path: Path) -> str | None:
        """The confirmed layout text of this file, or None."""
        layout = (self.read(path) or {}).get("layout")
        return layout if isinstance(layout, str) else None

    def confirm(self, path: Path, layout: str, count: int, by: str) -> tuple[SceneDate, ...]:
        """Check ``layout`` against the file's ``count`` bands and keep it; the dates."""
        dates = parse_layout(layout, count, path.name)
        self.write(path, {"layout": layout.strip(), "confirmed_by": by})
        return dates
