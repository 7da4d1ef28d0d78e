-- Schema version 4: campaigns (issue 22). A campaign divides an area of interest into tasks
-- that volunteers lock, map and hand in, and reviewers validate (labels.campaign_store);
-- the same tables as the SQLite store's (labels.campaign_store.SQLITE_SCHEMA), geometries
-- as PostGIS lon/lat columns. Fields drawn in a task carry its id (campaign:number).
ALTER TABLE labels ADD COLUMN task_id text;
ALTER TABLE label_versions ADD COLUMN task_id text;
CREATE INDEX labels_task ON labels (task_id text_pattern_ops);

CREATE TABLE campaigns (
    id text PRIMARY KEY,
    name text NOT NULL,
    scene_ids text NOT NULL,  -- JSON list
    area geometry(Geometry, 4326) NOT NULL,
    crops text NOT NULL,  -- JSON list
    instructions text NOT NULL,
    task_pixels integer NOT NULL,
    task_side_m double precision NOT NULL,
    double_share double precision NOT NULL,
    lock_minutes double precision NOT NULL,
    created_by text NOT NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    updated_by text,
    version integer NOT NULL
);

-- Append-only: every version of every campaign, with who saved it and how.
CREATE TABLE campaign_versions (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    op text NOT NULL,
    actor text NOT NULL,
    role text NOT NULL,
    LIKE campaigns INCLUDING CONSTRAINTS,
    UNIQUE (id, version)
);

CREATE TABLE campaign_tasks (
    campaign_id text NOT NULL REFERENCES campaigns (id),
    number integer NOT NULL,
    geometry geometry(Geometry, 4326) NOT NULL,
    cx double precision NOT NULL,  -- centroid (lon × cos lat, lat): the task nearest the last
    cy double precision NOT NULL,
    state text NOT NULL,
    copies integer NOT NULL,
    mappers text NOT NULL,  -- JSON list of names, in mapping order
    mapper_keys text NOT NULL,  -- their normalised names between line breaks
    locked_by text,
    locked_key text,
    locked_until text,
    locked_from text,
    validator text,
    comment text,
    updated_at text NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (campaign_id, number)
);
CREATE INDEX campaign_tasks_state ON campaign_tasks (campaign_id, state);

-- Append-only: every transition of every task (who, when, from which state to which, why).
CREATE TABLE campaign_task_events (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id text NOT NULL,
    number integer NOT NULL,
    action text NOT NULL,
    from_state text NOT NULL,
    to_state text NOT NULL,
    actor text NOT NULL,
    actor_key text NOT NULL,
    at text NOT NULL,
    comment text
);
CREATE INDEX campaign_task_events_task ON campaign_task_events (campaign_id, number, seq);
CREATE INDEX campaign_task_events_actor ON campaign_task_events (campaign_id, actor_key, seq);
