-- Schema version 5: the dates of a multi-date scene a volunteer looked at while drawing a
-- field (their labels, comma-separated: '2024-05-01, 2024-09-01'; NULL for one-date scenes
-- and fields drawn before).
ALTER TABLE labels ADD COLUMN dates_seen text;
ALTER TABLE label_versions ADD COLUMN dates_seen text;
