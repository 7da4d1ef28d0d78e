-- Schema version 6: tasks a coordinator wants mapped first (HOT Tasking Manager's priority
-- areas): 1 for those, 0 for the rest. Map next task takes them before the others.
ALTER TABLE campaign_tasks ADD COLUMN priority integer NOT NULL DEFAULT 0;
