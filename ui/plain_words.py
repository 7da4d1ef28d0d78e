"""What a volunteer reads: fields named by crop, area and author, problems in plain words.

The label library's findings and errors are written for the command line and for logs
(ids, library names); this module says the same to a volunteer. Codes it does not know
keep the library's message, which is already plain for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from labels.errors import (
    LabelError,
    NotFoundError,
    PermissionDeniedError,
    StaleEditError,
    TransitionError,
)
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Label
from labels.stats import NOT_RECORDED
from labels.validate import Finding

# label id → how to call that field, or None when it is not known
FieldNamer = Callable[[str], str | None]
ANOTHER_FIELD = "another field"
_LABEL_ID = re.compile(r"\blabel [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
FIX_BUTTON = "Fix the outline"


def field_name(label: Label) -> str:
    """'maize, 4.1 ha, by Sita' (area to one decimal, two below 1 ha)."""
    area = label.area_ha or 0.0
    hectares = f"{area:.1f}" if area >= 1 else f"{area:.2f}"
    return f"{label.crop}, {hectares} ha, by {label.annotator}"


def _near(finding: Finding) -> str:
    """' near lat 27.70500, lon 85.30500' where the finding has a place, else ''."""
    if finding.location is None:
        return ""
    lon, lat = finding.location
    return f" near lat {lat:.5f}, lon {lon:.5f}"


def plain_finding(finding: Finding, name_of: FieldNamer = lambda _: None) -> str:
    """The finding's message in plain words (fields by name, no library words)."""
    near = _near(finding)
    match finding.code:
        case "invalid-geometry":
            what = (
                "crosses itself (a self-intersection)"
                if "self-intersection" in finding.message.lower()
                else "folds over itself"
            )
            return f"The outline {what}{near}. Press “{FIX_BUTTON}” to untangle it, or redraw it."
        case "too-small":
            return f"This field is smaller than 400 m² (20 × 20 m){near}: draw a larger one."
        case "sliver":
            return f"This outline is very thin{near}: is it really one field?"
        case "overlap":
            other = (name_of(finding.other) if finding.other else None) or ANOTHER_FIELD
            return f"It overlaps {other}{near}."
        case "outside-footprint":
            return f"The field{near} is outside the scene: draw it on the image."
        case "partly-outside-footprint":
            return f"Part of the field{near} is outside the scene."
        case "too-few-points" | "empty":
            return "The outline needs at least three corners."
    return finding.message


def plain_findings(findings: list[Finding], name_of: FieldNamer = lambda _: None) -> str:
    """Findings as one line each: 'error: …' / 'warning: …', in plain words."""
    return "\n".join(f"{f.severity}: {plain_finding(f, name_of)}" for f in findings)


def plain_error(exc: LabelError) -> str:
    """A store refusal in plain words; other refusals keep their reason, ids left out."""
    text = str(exc)
    if isinstance(exc, StaleEditError):
        who = f" by {exc.by}" if exc.by else ""
        return (
            f"this field was changed{who} since you opened it, so your change was not kept. "
            "The map now shows it as it is."
        )
    if isinstance(exc, NotFoundError):
        return "this field was deleted meanwhile."
    if isinstance(exc, PermissionDeniedError) and "only edit their own" in text:
        return "you can change only the fields you drew."
    if isinstance(exc, PermissionDeniedError) and "only a reviewer may" in text:
        return "only a reviewer can change a field once it is accepted or rejected."
    if isinstance(exc, TransitionError) and "cannot be restored" in text:
        return "this field is back already."
    return _LABEL_ID.sub("this field", text)


def store_namer(get: Callable[[str], Label]) -> FieldNamer:
    """A namer that looks fields up with ``get`` (a store's), None when it cannot."""

    def name_of(label_id: str) -> str | None:
        try:
            return field_name(get(label_id))
        except LabelError:
            return None

    return name_of


OUTLINED = {  # how a field's outline came to be (Label.drawing), as pages say it
    HAND: "by hand",
    PROPOSED: "by the assist, not edited",
    PROPOSED_EDITED: "by the assist, then edited",
}


def outlined_words(drawing: str | None) -> str:
    """How a field's outline came to be, in the pages' words ("not recorded" for labels
    saved before it was, or any value the pages do not know)."""
    return OUTLINED.get(drawing or "", NOT_RECORDED)
