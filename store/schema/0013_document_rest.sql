-- 13: a PDF's first pages are read during the parse, the rest later (issue 19).
--
-- The fields come from a statement's cover sheet, on its first pages; reading
-- every page of a long PDF with poppler was most of a parse's time. The
-- parse now stores the text of the first pages with text_partial = 1 and the
-- position of the attachment it came from; when the parse workers are idle
-- (and before `liaisonctl search` looks) the whole PDF is read again from
-- that attachment's blob and the row gets the full text and text_partial = 0.
-- The row itself is the durable marker: a crash in between loses nothing.
-- A statement with a partial document stays in search_pending, unindexed,
-- until its full text is in (store_search_index skips it).
ALTER TABLE documents ADD COLUMN attachment INTEGER;   -- position in attachments; NULL: in an archive
ALTER TABLE documents ADD COLUMN text_partial INTEGER NOT NULL DEFAULT 0
  CHECK (text_partial IN (0, 1));
-- Reads of the rest begun: a PDF that crashes or hangs the reader is given up
-- after [parser] parse_attempts (its first pages' text is kept).
ALTER TABLE documents ADD COLUMN rest_attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX documents_partial ON documents(statement) WHERE text_partial = 1;

-- The full text replaces the first pages': search sees the change.
CREATE TRIGGER statement_fts_docs_upd AFTER UPDATE OF text ON documents BEGIN
  INSERT INTO search_pending(statement)
    SELECT NEW.statement WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE statement = NEW.statement);
END;
