-- Audit Relay archive, MariaDB. ${archive} is the quoted table name.
-- utf8mb4_bin keeps every character and compares bytes; LONGTEXT holds any event size.
CREATE TABLE ${archive} (
    event_id    VARCHAR(128) NOT NULL PRIMARY KEY,
    body        LONGTEXT     NOT NULL,
    body_sha256 CHAR(64)     NOT NULL,
    stream      VARCHAR(200),
    epoch       CHAR(16),
    seq         BIGINT,
    prev_sha256 CHAR(64),
    received_at BIGINT       NOT NULL,
    problem     VARCHAR(500),
    UNIQUE KEY position_in_stream (stream, epoch, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
