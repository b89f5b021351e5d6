-- Audit Relay archive, H2 (tests and demos). ${archive} is the quoted table name.
CREATE TABLE ${archive} (
    event_id    VARCHAR(128) PRIMARY KEY,
    body        CLOB         NOT NULL,
    body_sha256 CHAR(64)     NOT NULL,
    stream      VARCHAR(200),
    epoch       CHAR(16),
    seq         BIGINT,
    prev_sha256 CHAR(64),
    received_at BIGINT       NOT NULL,
    problem     VARCHAR(500),
    UNIQUE (stream, epoch, seq)
);
