-- 4: the secretariat's tools (liaisonctl): full-text search, discard/restore.

-- The state a message had when it was discarded, so that `restore` can bring
-- it back exactly (NULL when it is not discarded).
ALTER TABLE messages ADD COLUMN state_before_discard TEXT;

-- What search looks at for one statement, one row per statement. The FTS
-- table below is rebuilt from this view by the triggers, so the text that is
-- searched is defined once.
CREATE VIEW statement_search_text AS
SELECT s.id AS id,
  coalesce(s.title, '') AS title,
  coalesce(s.body, '') AS body,
  trim(coalesce(s.from_liaison_contact, '') || ' ' || coalesce(s.to_liaison_contact, '') || ' ' ||
    coalesce(s.forwarded_by, '') || ' ' || coalesce(s.submitter, '') || ' ' ||
    coalesce((SELECT group_concat(c.address || ' ' || coalesce(c.name, ''), ' ')
              FROM statement_contacts c WHERE c.statement = s.id), '')) AS contacts,
  coalesce((SELECT group_concat(i.value, ' ') FROM identifiers i WHERE i.statement = s.id), '')
    AS identifiers,
  coalesce((SELECT group_concat(a.filename || ' ' || coalesce(a.original_filename, ''), ' ')
            FROM attachments a WHERE a.statement = s.id AND a.removed = 0), '') AS attachments,
  coalesce((SELECT group_concat(coalesce(g.acronym, '') || ' ' || g.text, ' ')
            FROM statement_groups g WHERE g.statement = s.id), '') AS groups
FROM statements s;

-- Porter stemming so that "statement" finds "statements"; unicode61 splits
-- "S2-2401234_LS_on_QUIC.pdf" into words, and diacritics are folded.
CREATE VIRTUAL TABLE statement_fts USING fts5(
  title, body, contacts, identifiers, attachments, groups,
  tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Kept in step by triggers on every table the view reads, so whoever writes a
-- statement (the parser, an edit, a reprocess) cannot forget the index. Each
-- trigger rebuilds the one statement's row: cheap, and always exact.
CREATE TRIGGER statement_fts_stmt_ins AFTER INSERT ON statements BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.id;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.id;
END;
CREATE TRIGGER statement_fts_stmt_upd AFTER UPDATE OF title, body, from_liaison_contact,
    to_liaison_contact, forwarded_by, submitter ON statements BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.id;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.id;
END;
CREATE TRIGGER statement_fts_stmt_del AFTER DELETE ON statements BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.id;
END;

CREATE TRIGGER statement_fts_contacts_ins AFTER INSERT ON statement_contacts BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;
CREATE TRIGGER statement_fts_contacts_del AFTER DELETE ON statement_contacts BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;

CREATE TRIGGER statement_fts_ident_ins AFTER INSERT ON identifiers BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;
CREATE TRIGGER statement_fts_ident_del AFTER DELETE ON identifiers BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;

CREATE TRIGGER statement_fts_att_ins AFTER INSERT ON attachments BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;
CREATE TRIGGER statement_fts_att_upd AFTER UPDATE OF filename, original_filename, removed
    ON attachments BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;
CREATE TRIGGER statement_fts_att_del AFTER DELETE ON attachments BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;

CREATE TRIGGER statement_fts_groups_ins AFTER INSERT ON statement_groups BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;
CREATE TRIGGER statement_fts_groups_del AFTER DELETE ON statement_groups BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;

-- Statements stored before this migration.
INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
  SELECT id, title, body, contacts, identifiers, attachments, groups FROM statement_search_text;

CREATE INDEX events_kind ON events(kind, statement);
