-- sharpfields label store on PostgreSQL + PostGIS, schema version 1.
-- Same tables and columns as the SQLite store; geometries are PostGIS lon/lat (EPSG:4326)
-- columns, the current labels with a GiST index. Timestamps are ISO 8601 text in UTC, as
-- the app writes them (they sort in time order).
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE scenes (
    scene_id text PRIMARY KEY,
    footprint geometry(Geometry, 4326) NOT NULL,
    updated_at text NOT NULL
);

CREATE TABLE labels (
    rid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    scene_id text NOT NULL,
    crop text NOT NULL,
    status text NOT NULL,
    annotator text NOT NULL,
    reviewer text,
    review_comment text,
    view text NOT NULL,
    enhancement text,
    model_version text,
    determination_datetime text,
    area_ha double precision NOT NULL,
    perimeter_m double precision NOT NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    updated_by text,
    version integer NOT NULL,
    deleted boolean NOT NULL,
    geometry geometry(Geometry, 4326) NOT NULL
        CHECK (GeometryType(geometry) IN ('POLYGON', 'MULTIPOLYGON'))
);
CREATE INDEX labels_scene ON labels (scene_id, status);
CREATE INDEX labels_annotator ON labels (annotator);
CREATE INDEX labels_geometry ON labels USING gist (geometry);

-- Append-only: every version ever saved, with who saved it, in which role, and how; the
-- label columns are those of labels (LIKE), without its row key.
CREATE TABLE label_versions (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    op text NOT NULL,
    actor text NOT NULL,
    role text NOT NULL,
    LIKE labels INCLUDING CONSTRAINTS,
    UNIQUE (id, version)
);
ALTER TABLE label_versions DROP COLUMN rid;
CREATE INDEX versions_scene ON label_versions (scene_id, seq);
