-- Audit Relay SQL store, PostgreSQL. ${table} and ${quarantine} are quoted table names.
-- payload is TEXT, never JSONB: JSONB rejects \u0000, reorders keys and drops duplicates,
-- and the bytes that reach the broker must be the bytes that were recorded.
CREATE TABLE ${table} (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      VARCHAR(128) NOT NULL,
    payload       TEXT         NOT NULL,
    payload_bytes INTEGER      NOT NULL,
    payload_crc   BIGINT       NOT NULL,
    appended_at   BIGINT       NOT NULL,
    attempts      INTEGER      NOT NULL DEFAULT 0,
    last_error    VARCHAR(200)
);

CREATE TABLE ${quarantine} (
    seq            BIGINT       PRIMARY KEY,
    event_id       VARCHAR(128),
    payload        TEXT,
    payload_bytes  INTEGER      NOT NULL DEFAULT 0,
    appended_at    BIGINT,
    attempts       INTEGER      NOT NULL DEFAULT 0,
    reason         VARCHAR(500) NOT NULL,
    quarantined_at BIGINT       NOT NULL
);
