-- 1: received messages, their envelopes and the event history (foundation).
-- A message's id is also its statement's id: one message, one statement.
CREATE TABLE messages (
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
                 CHECK (state IN ('received','posted','rejected','ignored','dead')),
  parse_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_state ON messages(state, id);
CREATE INDEX messages_message_id ON messages(message_id);

CREATE TABLE message_recipients (
  message  INTEGER NOT NULL REFERENCES messages(id),
  position INTEGER NOT NULL,               -- RCPT order, from 1
  address  TEXT NOT NULL,
  PRIMARY KEY (message, position)
);

CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  statement INTEGER NOT NULL REFERENCES messages(id),
  at        TEXT NOT NULL,                 -- ISO 8601 UTC
  actor     TEXT NOT NULL,                 -- 'liaisond', or the secretariat member
  kind      TEXT NOT NULL,                 -- received, parsed, posted, rejected, ...
  detail    TEXT NOT NULL DEFAULT '',
  private   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_statement ON events(statement, id);
