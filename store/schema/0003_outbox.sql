-- 3: the durable outbox (notify). A row is queued in the same transaction that
-- posts or rejects its statement; the sender thread delivers it.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  statement       INTEGER REFERENCES messages(id),
  kind            TEXT NOT NULL CHECK (kind IN ('routing','ack','rejection','secretariat','reminder')),
  subject         TEXT NOT NULL,
  message_id      TEXT NOT NULL,           -- of the mail we send, without <>
  raw             BLOB NOT NULL,           -- the complete message, CRLF line ends
  envelope_from   TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sent','failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  last_error      TEXT,
  reminder_key    TEXT UNIQUE              -- "<statement>:<day>" makes remind idempotent
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_statement ON outbox(statement);

CREATE TABLE outbox_recipients (
  outbox     INTEGER NOT NULL REFERENCES outbox(id),
  position   INTEGER NOT NULL,
  address    TEXT NOT NULL,
  header     TEXT NOT NULL CHECK (header IN ('to','cc')),
  state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sent','failed')),
  last_error TEXT,
  PRIMARY KEY (outbox, position)
);
