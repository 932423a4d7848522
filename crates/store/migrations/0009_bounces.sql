-- Bounces and complaints read from delivery status notifications (RFC 3464)
-- and abuse reports (ARF): one row per (report, address), so the same report
-- applied twice is known by its key and changes nothing more. Hard bounces
-- and complaints also put the address on `suppressions`; soft ones count
-- towards suppression when they come one after another.
CREATE TABLE bounces (
    id          ${id},
    -- Names the report and the address: the report's Message-ID (or a
    -- digest of its bytes) and the address, hashed.
    report_key  TEXT NOT NULL UNIQUE,
    -- Trimmed and lower-cased.
    email       TEXT NOT NULL,
    -- hard | soft | delayed | complaint
    kind        TEXT NOT NULL,
    -- The message it answers, when found.
    outbox_id   BIGINT REFERENCES outbox (id) ON DELETE SET NULL,
    -- The enhanced status code (5.1.1), when reported.
    status      TEXT,
    detail      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX bounces_email ON bounces (email, created_at);
CREATE INDEX bounces_outbox ON bounces (outbox_id);

-- A bounce finds the messages sent to its address.
CREATE INDEX outbox_email ON outbox (email, sent_at);
