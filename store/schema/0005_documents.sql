-- 5: the text read out of each statement's documents (.docx, .pdf, the files
-- of a Tdoc .zip; issue 8), so that search finds it and `show --text` shows it.
CREATE TABLE documents (
  statement  INTEGER NOT NULL REFERENCES messages(id),
  position   INTEGER NOT NULL,             -- in the order read, from 1
  filename   TEXT NOT NULL,                -- as the attachment it was read from
  role       TEXT NOT NULL DEFAULT 'attachment' CHECK (role IN ('statement','attachment')),
  text       TEXT,                         -- UTF-8 in reading order; NULL when unreadable
  text_chars INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (statement, position)
);

-- Search: the documents' text is searched as part of the body (the FTS table
-- of 0004 keeps its columns; only the view that feeds it learns the text).
DROP VIEW statement_search_text;
CREATE VIEW statement_search_text AS
SELECT s.id AS id,
  coalesce(s.title, '') AS title,
  coalesce(s.body, '') ||
    coalesce((SELECT ' ' || group_concat(d.text, ' ') FROM documents d
              WHERE d.statement = s.id AND d.text IS NOT NULL), '') AS body,
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

CREATE TRIGGER statement_fts_docs_ins AFTER INSERT ON documents BEGIN
  DELETE FROM statement_fts WHERE rowid = NEW.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = NEW.statement;
END;
CREATE TRIGGER statement_fts_docs_del AFTER DELETE ON documents BEGIN
  DELETE FROM statement_fts WHERE rowid = OLD.statement;
  INSERT INTO statement_fts(rowid, title, body, contacts, identifiers, attachments, groups)
    SELECT id, title, body, contacts, identifiers, attachments, groups
    FROM statement_search_text WHERE id = OLD.statement;
END;
