-- 2: the statement read out of each message, its attachments and problems (parser).
CREATE TABLE statements (
  id                   INTEGER PRIMARY KEY REFERENCES messages(id),
  title                TEXT,
  purpose              TEXT CHECK (purpose IS NULL OR
                         purpose IN ('for_information','for_action','in_response')),
  deadline             TEXT,               -- YYYY-MM-DD
  body                 TEXT,
  from_liaison_contact TEXT,               -- bare address
  to_liaison_contact   TEXT,
  forwarded_by         TEXT,
  submitter            TEXT,               -- header From of the original, else envelope sender
  auto_generated       INTEGER NOT NULL DEFAULT 0,
  metadata             TEXT NOT NULL DEFAULT '{}',  -- JSON: release, work_items, response_to, ...
  action_taken         INTEGER NOT NULL DEFAULT 0,
  version              INTEGER NOT NULL DEFAULT 1,  -- bumped by every change (edit conflicts)
  parsed_at            TEXT NOT NULL,
  posted_at            TEXT
);

-- From and To bodies in the order written; acronym is the directory group, NULL
-- when the text resolved to none (a body without a liaison relationship).
CREATE TABLE statement_groups (
  statement INTEGER NOT NULL REFERENCES statements(id),
  side      TEXT NOT NULL CHECK (side IN ('from','to')),
  position  INTEGER NOT NULL,
  acronym   TEXT,
  text      TEXT NOT NULL,
  PRIMARY KEY (statement, side, position)
);

CREATE TABLE statement_contacts (
  statement INTEGER NOT NULL REFERENCES statements(id),
  side      TEXT NOT NULL CHECK (side IN ('from','to')),
  position  INTEGER NOT NULL,
  address   TEXT NOT NULL,                 -- bare, domain lower-cased
  name      TEXT,
  PRIMARY KEY (statement, side, position)
);

CREATE TABLE identifiers (
  statement INTEGER NOT NULL REFERENCES statements(id),
  value     TEXT NOT NULL,                 -- Tdoc numbers, the sender's LS reference
  PRIMARY KEY (statement, value)
);
CREATE INDEX identifiers_value ON identifiers(value);

CREATE TABLE related (
  statement INTEGER NOT NULL REFERENCES statements(id),
  related   INTEGER NOT NULL REFERENCES messages(id),
  kind      TEXT NOT NULL DEFAULT 'responds_to',
  PRIMARY KEY (statement, related)
);

-- Decoded parts, content-addressed: the bytes live in state_dir/blobs/ab/<sha256>.
CREATE TABLE attachments (
  statement         INTEGER NOT NULL REFERENCES messages(id),
  position          INTEGER NOT NULL,      -- N of `liaisonctl attachment ID N`, from 1
  filename          TEXT NOT NULL,         -- sanitised, safe as a path component
  original_filename TEXT,                  -- as the mail gave it
  content_type      TEXT NOT NULL,
  size              INTEGER NOT NULL,
  sha256            TEXT NOT NULL,
  derived_from      INTEGER,               -- position of the archive it came out of
  removed           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (statement, position)
);
CREATE INDEX attachments_sha256 ON attachments(sha256);

CREATE TABLE problems (
  statement INTEGER NOT NULL REFERENCES messages(id),
  position  INTEGER NOT NULL,
  code      TEXT NOT NULL,
  severity  TEXT NOT NULL CHECK (severity IN ('error','warning')),
  field     TEXT NOT NULL DEFAULT '',
  message   TEXT NOT NULL,
  PRIMARY KEY (statement, position)
);
