"""The Campaigns page's "Change this campaign": a coordinator's form for a campaign's
name, instructions, crops and lock time, saved over the campaign as it was shown.

The form's save is a callback bound to the campaign the page drew: another coordinator's
change saved meanwhile is refused (``labels.campaign_store.CampaignStore.update``), not
overwritten with the values this form showed from before it. The form then shows theirs in
what this coordinator left alone, and keeps what they typed, to save again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign
from labels.model import DEFAULT_CROPS
from ui.auth import Identity
from ui.campaign_view import SAVE_CHANGES, TaskOutcome, change_campaign, history_lines
from ui.text import escape_markdown
from ui.uninterrupted import uninterrupted


def setting_keys(campaign_id: str) -> dict[str, str]:
    """The form's session keys, by the setting each holds."""
    return {s: f"edit-{s}-{campaign_id}" for s in ("name", "text", "crops", "hours")}


def shown_settings(campaign: Campaign) -> dict[str, Any]:
    """The form's values for ``campaign`` as stored, by setting."""
    return {
        "name": campaign.name,
        "text": campaign.instructions,
        "crops": list(campaign.crops),
        "hours": campaign.lock_minutes / 60,
    }


@uninterrupted
def save_settings(
    campaigns: CampaignStore,
    campaign: Campaign,
    identity: Identity,
    told: Callable[[TaskOutcome], None],
) -> None:
    """Save the changes' callback: the form's values over ``campaign`` as shown, the
    outcome given to ``told``. When refused, the settings this coordinator did not change
    are read again from the store (another's change shows), the typed ones are kept."""
    state, keys = st.session_state, setting_keys(campaign.id)
    typed = {
        s: state.get(k, v)
        for (s, k), v in zip(keys.items(), shown_settings(campaign).values(), strict=True)
    }
    outcome = change_campaign(
        campaigns,
        campaign,
        identity,
        name=typed["name"],
        instructions=typed["text"],
        crops=typed["crops"],
        lock_hours=float(typed["hours"]),
    )
    if not outcome.ok:
        for setting, value in shown_settings(campaign).items():
            if typed[setting] == value:  # left alone: show the store's, perhaps another's
                state.pop(keys[setting], None)
    told(outcome)


def settings_form(
    campaigns: CampaignStore,
    campaign: Campaign,
    identity: Identity,
    zone: ZoneInfo | None,
    told: Callable[[TaskOutcome], None],
) -> None:
    """The expander with the form and the campaign's history (coordinators only)."""
    keys = setting_keys(campaign.id)
    with st.expander("Change this campaign"):
        st.text_input("Name", campaign.name, key=keys["name"])
        st.text_area("Instructions", campaign.instructions, key=keys["text"])
        st.multiselect("Crops", DEFAULT_CROPS, default=list(campaign.crops), key=keys["crops"])
        st.number_input("Lock expires after (hours)", 0.25, 168.0, campaign.lock_minutes / 60,
                        step=0.25, key=keys["hours"])  # fmt: skip
        st.button(
            SAVE_CHANGES,
            key=f"edit-save-{campaign.id}",
            on_click=save_settings,
            args=(campaigns, campaign, identity, told),
        )
        history = history_lines(campaigns, campaign.id, zone)
        st.caption(escape_markdown("History: " + "; ".join(history)))
