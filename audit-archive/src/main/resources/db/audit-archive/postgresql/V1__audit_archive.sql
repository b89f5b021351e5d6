-- Audit Relay archive, PostgreSQL. ${archive} is the quoted table name.
-- body is TEXT, never JSONB: JSONB reorders keys and drops duplicates, and the verifier needs the
-- exact bytes the producer signed.
CREATE TABLE ${archive} (
    event_id    VARCHAR(128) PRIMARY KEY,
    body        TEXT         NOT NULL,
    body_sha256 CHAR(64)     NOT NULL,
    stream      VARCHAR(200),
    epoch       CHAR(16),
    seq         BIGINT,
    prev_sha256 CHAR(64),
    received_at BIGINT       NOT NULL,
    problem     VARCHAR(500),
    UNIQUE (stream, epoch, seq)
);
