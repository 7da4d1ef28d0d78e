-- Placeholder for schema step 3 (issue 21's migration) so that this branch's step 4 applies
-- in order (migrations are numbered 1..n). Replace it with issue 21's 0003 when merging.
SELECT 1;
