-- 10: duplicates (issue 20): a statement already on record that arrives again
-- (a chair's forward, a re-submitted file, a corrected resend) is kept in the
-- state 'duplicate', linked to the statement it repeats, and not routed.

-- messages.state gains 'duplicate', outbox.kind the acknowledgement 'duplicate'. SQLite cannot ALTER a CHECK constraint;
-- widening one changes no stored row, so the table's text is edited in place
-- (https://sqlite.org/lang_altertable.html, "otheralter"). The replace keeps
-- whatever other states a migration beside this one added.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''dead''', '''dead'',''duplicate''')
  WHERE type = 'table' AND name = 'messages' AND sql NOT LIKE '%''duplicate''%';
UPDATE sqlite_schema SET sql = replace(sql, '''reminder''', '''reminder'',''duplicate''')
  WHERE type = 'table' AND name = 'outbox' AND sql NOT LIKE '%''duplicate''%';
PRAGMA writable_schema = OFF;
-- this connection reads the new text too (the others see the schema change)
PRAGMA writable_schema = RESET;

-- One row per statement that repeats another: ORIGINAL is the statement on
-- record, HOW what matched ('message_id', 'content', 'resend', 'secretariat').
CREATE TABLE duplicates (
  statement INTEGER PRIMARY KEY REFERENCES messages(id),
  original  INTEGER NOT NULL REFERENCES messages(id),
  how       TEXT NOT NULL,
  at        TEXT NOT NULL
);
CREATE INDEX duplicates_original ON duplicates(original);

-- A rejected statement replaced by its corrected resend (dead, "superseded by N").
CREATE TABLE superseded (
  statement INTEGER PRIMARY KEY REFERENCES messages(id),
  by        INTEGER NOT NULL REFERENCES messages(id),
  at        TEXT NOT NULL
);
CREATE INDEX superseded_by ON superseded(by);

-- A reply saved before its original waits with this warning until the
-- original is saved (store_link_late).
CREATE INDEX problems_code ON problems(code);

-- The keys a repeat is recognised by (parser/dupkey.c puts them in metadata).
CREATE INDEX statements_content_key ON statements(json_extract(metadata, '$.content_key'));
CREATE INDEX statements_title_key ON statements(json_extract(metadata, '$.title_key'));
