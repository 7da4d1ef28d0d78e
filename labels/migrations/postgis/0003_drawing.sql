-- Schema version 3: how an outline came to be ('hand', 'proposed' by the outline assist and
-- saved unchanged, 'proposed-edited'; NULL for labels saved before it was recorded) and the
-- assist's model version when it proposed the outline.
ALTER TABLE labels ADD COLUMN drawing text;
ALTER TABLE labels ADD COLUMN assist_version text;
ALTER TABLE label_versions ADD COLUMN drawing text;
ALTER TABLE label_versions ADD COLUMN assist_version text;
