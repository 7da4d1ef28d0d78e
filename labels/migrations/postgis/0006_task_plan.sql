-- Schema version 6: a coordinator's plan for the tasks (HOT Tasking Manager's priority areas
-- and task assignment): priority is 1 for the tasks to map first, 0 for the rest; a task
-- assigned to a volunteer is theirs alone to map (assigned_key: their normalised name).
ALTER TABLE campaign_tasks ADD COLUMN priority integer NOT NULL DEFAULT 0;
ALTER TABLE campaign_tasks ADD COLUMN assigned_to text;
ALTER TABLE campaign_tasks ADD COLUMN assigned_key text;
