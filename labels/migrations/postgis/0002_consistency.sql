-- Schema version 2: the consistency badge of the enhanced area a label was drawn on
-- ('consistent', 'check', 'inconsistent'; NULL when drawn on the original imagery or on an
-- area sharpened before results were checked).
ALTER TABLE labels ADD COLUMN consistency text;
ALTER TABLE label_versions ADD COLUMN consistency text;
