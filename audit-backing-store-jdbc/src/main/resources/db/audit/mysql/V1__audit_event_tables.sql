-- Audit Relay SQL store, MySQL. ${table} and ${quarantine} are the quoted table names.
-- utf8mb4_bin keeps every character and compares bytes; LONGTEXT holds any event size.
CREATE TABLE ${table} (
    seq           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id      VARCHAR(128) NOT NULL,
    payload       LONGTEXT     NOT NULL,
    payload_bytes INT          NOT NULL,
    payload_crc   BIGINT       NOT NULL,
    appended_at   BIGINT       NOT NULL,
    attempts      INT          NOT NULL DEFAULT 0,
    last_error    VARCHAR(200),
    -- claims by lease, where the server has no SKIP LOCKED (MariaDB < 10.6, MySQL < 8.0)
    lease_owner   VARCHAR(36),
    lease_until   BIGINT
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE ${quarantine} (
    seq            BIGINT       NOT NULL PRIMARY KEY,
    event_id       VARCHAR(128),
    payload        LONGTEXT,
    payload_bytes  INT          NOT NULL DEFAULT 0,
    appended_at    BIGINT,
    attempts       INT          NOT NULL DEFAULT 0,
    reason         VARCHAR(500) NOT NULL,
    quarantined_at BIGINT       NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
