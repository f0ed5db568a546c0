-- 9 (issue 16): outgoing statements, from an IETF group to another body,
-- wait in the new state 'pending' until approved, and record who approved.
--
-- messages.state has a CHECK listing the states: SQLite cannot alter a
-- CHECK, so the table is rebuilt with 'pending' added (the 12 steps of
-- https://sqlite.org/lang_altertable.html#otheralter: the migration runs
-- with foreign_keys off and is checked with foreign_key_check before it
-- commits; legacy_alter_table keeps the views and triggers that name
-- messages as they are).
PRAGMA legacy_alter_table = ON;
CREATE TABLE messages_new (
  id             INTEGER PRIMARY KEY,
  received_at    TEXT NOT NULL,            -- ISO 8601 UTC, 2026-11-22T04:00:00Z
  envelope_from  TEXT NOT NULL,            -- '' for the null sender <>
  message_id     TEXT,                     -- Message-ID without <>, NULL when absent
  size           INTEGER NOT NULL,         -- bytes stored (after dot-unstuffing)
  sha256         TEXT NOT NULL,            -- hex digest of the stored bytes
  dedupe_key     TEXT NOT NULL UNIQUE,     -- see store_msg.c: redelivery is recorded once
  path           TEXT NOT NULL,            -- the raw file, relative to state_dir
  client         TEXT NOT NULL,            -- "127.0.0.1:40000", "unix", "liaisonctl"
  session_id     TEXT NOT NULL,
  state          TEXT NOT NULL DEFAULT 'received'
                 CHECK (state IN ('received','posted','rejected','ignored','dead','pending')),
  parse_attempts INTEGER NOT NULL DEFAULT 0,
  state_before_discard TEXT
);
INSERT INTO messages_new (id, received_at, envelope_from, message_id, size, sha256, dedupe_key,
  path, client, session_id, state, parse_attempts, state_before_discard)
  SELECT id, received_at, envelope_from, message_id, size, sha256, dedupe_key,
  path, client, session_id, state, parse_attempts, state_before_discard FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_state ON messages(state, id);
CREATE INDEX messages_message_id ON messages(message_id);

-- The outbox's kinds gain the approval request, its reminder and the
-- refusal (the same rebuild, for the same reason).
CREATE TABLE outbox_new (
  id              INTEGER PRIMARY KEY,
  statement       INTEGER REFERENCES messages(id),
  kind            TEXT NOT NULL CHECK (kind IN ('routing','ack','rejection','secretariat','reminder',
                    'approval_request','approval_reminder','refused')),
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
  reminder_key    TEXT UNIQUE,             -- "<statement>:<day>" makes remind idempotent
  body            TEXT,                    -- UTF-8, LF line ends; NULL: routing
  in_reply_to     TEXT                     -- without <>, or NULL
);
INSERT INTO outbox_new (id, statement, kind, subject, message_id, raw, envelope_from, state,
  attempts, created_at, next_attempt_at, expires_at, last_error, reminder_key, body, in_reply_to)
  SELECT id, statement, kind, subject, message_id, raw, envelope_from, state,
  attempts, created_at, next_attempt_at, expires_at, last_error, reminder_key, body, in_reply_to
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_statement ON outbox(statement);

-- The direction is decided by the From and To groups (model/outgoing.c);
-- sent_directly: the mail itself shows it already went to the other body.
ALTER TABLE statements ADD COLUMN direction TEXT NOT NULL DEFAULT 'incoming'
  CHECK (direction IN ('incoming','outgoing'));
ALTER TABLE statements ADD COLUMN sent_directly INTEGER NOT NULL DEFAULT 0;
-- The approval on record: who, when, how, and for a recorded one what the
-- secretariat was told ("by phone").
ALTER TABLE statements ADD COLUMN approved_by TEXT;
ALTER TABLE statements ADD COLUMN approved_at TEXT;
ALTER TABLE statements ADD COLUMN approval_how TEXT
  CHECK (approval_how IS NULL OR approval_how IN ('submitter','web','cli','recorded'));
ALTER TABLE statements ADD COLUMN approval_note TEXT;
