"""A table's column settings: help on the headers, numbers in a format."""

from __future__ import annotations

from ui.table_columns import column_config


def test_columns_get_their_help_and_numbers_their_format() -> None:
    config = column_config({"same crop": "Of the pairs.", "who": "The volunteer."},
                           {"same crop": "%.0f %%", "%": "%.1f"})  # fmt: skip
    assert set(config) == {"same crop", "who", "%"}
    assert config["same crop"]["help"] == "Of the pairs."
    assert config["same crop"]["type_config"]["format"] == "%.0f %%"
    assert config["who"]["help"] == "The volunteer." and "type_config" not in config["who"]
    assert config["%"]["type_config"]["format"] == "%.1f" and config["%"].get("help") is None
