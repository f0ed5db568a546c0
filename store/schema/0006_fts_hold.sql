-- 6: saving a statement re-indexed it for search once per child row.
--
-- Every trigger below rebuilds the statement's whole FTS row (title and a body
-- of tens of KB, tokenized again), and saving one parsed statement inserts
-- a dozen child rows (groups, contacts, identifiers, attachments, documents),
-- so the parse worker spent most of its time re-indexing the same text. A
-- writer that saves many rows of one statement in one transaction now puts
-- the statement in fts_hold first, writes, then removes it and rebuilds the
-- row once (store_stmt_fts_hold / store_stmt_fts_release). The hold row never
-- outlives the transaction, so no other connection ever sees it, and every
-- other writer (edits, liaisonctl, the sqlite3 shell) still gets the triggers:
-- the index stays exact.
CREATE TABLE fts_hold (statement INTEGER PRIMARY KEY);

DROP TRIGGER statement_fts_stmt_ins;
CREATE TRIGGER statement_fts_stmt_ins AFTER INSERT ON statements
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = NEW.id) BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.id;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.id;
END;

DROP TRIGGER statement_fts_stmt_upd;
CREATE TRIGGER statement_fts_stmt_upd AFTER UPDATE OF title, body, from_liaison_contact,
    to_liaison_contact, forwarded_by, submitter ON statements
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = NEW.id) BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.id;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.id;
END;

DROP TRIGGER statement_fts_stmt_del;
CREATE TRIGGER statement_fts_stmt_del AFTER DELETE ON statements
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = OLD.id) BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.id;
END;

DROP TRIGGER statement_fts_contacts_ins;
CREATE TRIGGER statement_fts_contacts_ins AFTER INSERT ON statement_contacts
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = NEW.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;

DROP TRIGGER statement_fts_contacts_del;
CREATE TRIGGER statement_fts_contacts_del AFTER DELETE ON statement_contacts
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = OLD.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;

DROP TRIGGER statement_fts_ident_ins;
CREATE TRIGGER statement_fts_ident_ins AFTER INSERT ON identifiers
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = NEW.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;

DROP TRIGGER statement_fts_ident_del;
CREATE TRIGGER statement_fts_ident_del AFTER DELETE ON identifiers
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = OLD.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;

DROP TRIGGER statement_fts_att_ins;
CREATE TRIGGER statement_fts_att_ins AFTER INSERT ON attachments
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = NEW.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;

DROP TRIGGER statement_fts_att_upd;
CREATE TRIGGER statement_fts_att_upd AFTER UPDATE OF filename, original_filename, removed
    ON attachments
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = NEW.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;

DROP TRIGGER statement_fts_att_del;
CREATE TRIGGER statement_fts_att_del AFTER DELETE ON attachments
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = OLD.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;

DROP TRIGGER statement_fts_groups_ins;
CREATE TRIGGER statement_fts_groups_ins AFTER INSERT ON statement_groups
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = NEW.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;

DROP TRIGGER statement_fts_groups_del;
CREATE TRIGGER statement_fts_groups_del AFTER DELETE ON statement_groups
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = OLD.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;

DROP TRIGGER statement_fts_docs_ins;
CREATE TRIGGER statement_fts_docs_ins AFTER INSERT ON documents
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = NEW.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;

DROP TRIGGER statement_fts_docs_del;
CREATE TRIGGER statement_fts_docs_del AFTER DELETE ON documents
    WHEN NOT EXISTS (SELECT 1 FROM fts_hold WHERE statement = OLD.statement) BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;
