-- 7: the search index is brought up to date after the parse, not inside it.
--
-- Rebuilding a statement's FTS row (porter-stemming a body of tens of KB) was
-- the largest single cost of saving a parsed statement, and it sat on the
-- path between "received" and "posted" although nothing on that path reads
-- it. Every trigger now only notes the statement in search_pending, in the
-- writer's own transaction (so no change can be missed, whoever writes); the
-- rows are rebuilt from statement_search_text by store_search_index: the
-- parse worker calls it whenever it has no message waiting, and every search
-- calls it before it looks, so a search never misses a statement. (Not
-- INSERT OR IGNORE: inside a trigger the outer statement's conflict policy
-- wins, and an upsert's is ABORT.)
CREATE TABLE search_pending (statement INTEGER PRIMARY KEY);
DROP TABLE fts_hold;

DROP TRIGGER statement_fts_stmt_ins;
CREATE TRIGGER statement_fts_stmt_ins AFTER INSERT ON statements BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.id);
END;

DROP TRIGGER statement_fts_stmt_upd;
CREATE TRIGGER statement_fts_stmt_upd AFTER UPDATE OF title, body, from_liaison_contact,
    to_liaison_contact, forwarded_by, submitter ON statements BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.id);
END;

DROP TRIGGER statement_fts_stmt_del;
CREATE TRIGGER statement_fts_stmt_del AFTER DELETE ON statements BEGIN
  INSERT INTO search_pending(statement)
    SELECT OLD.id WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = OLD.id);
END;

DROP TRIGGER statement_fts_contacts_ins;
CREATE TRIGGER statement_fts_contacts_ins AFTER INSERT ON statement_contacts BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.statement);
END;

DROP TRIGGER statement_fts_contacts_del;
CREATE TRIGGER statement_fts_contacts_del AFTER DELETE ON statement_contacts BEGIN
  INSERT INTO search_pending(statement)
    SELECT OLD.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = OLD.statement);
END;

DROP TRIGGER statement_fts_ident_ins;
CREATE TRIGGER statement_fts_ident_ins AFTER INSERT ON identifiers BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.statement);
END;

DROP TRIGGER statement_fts_ident_del;
CREATE TRIGGER statement_fts_ident_del AFTER DELETE ON identifiers BEGIN
  INSERT INTO search_pending(statement)
    SELECT OLD.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = OLD.statement);
END;

DROP TRIGGER statement_fts_att_ins;
CREATE TRIGGER statement_fts_att_ins AFTER INSERT ON attachments BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.statement);
END;

DROP TRIGGER statement_fts_att_upd;
CREATE TRIGGER statement_fts_att_upd AFTER UPDATE OF filename, original_filename, removed ON attachments BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.statement);
END;

DROP TRIGGER statement_fts_att_del;
CREATE TRIGGER statement_fts_att_del AFTER DELETE ON attachments BEGIN
  INSERT INTO search_pending(statement)
    SELECT OLD.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = OLD.statement);
END;

DROP TRIGGER statement_fts_groups_ins;
CREATE TRIGGER statement_fts_groups_ins AFTER INSERT ON statement_groups BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.statement);
END;

DROP TRIGGER statement_fts_groups_del;
CREATE TRIGGER statement_fts_groups_del AFTER DELETE ON statement_groups BEGIN
  INSERT INTO search_pending(statement)
    SELECT OLD.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = OLD.statement);
END;

DROP TRIGGER statement_fts_docs_ins;
CREATE TRIGGER statement_fts_docs_ins AFTER INSERT ON documents BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.statement);
END;

DROP TRIGGER statement_fts_docs_del;
CREATE TRIGGER statement_fts_docs_del AFTER DELETE ON documents BEGIN
  INSERT INTO search_pending(statement)
    SELECT OLD.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = OLD.statement);
END;
