-- 12: small messages are kept in the database (issue 19). A message up to
-- [liaisond] inline_max bytes is stored here, in the transaction that
-- records it, instead of as a file under msg/: no inode to allocate, no
-- file and folder fsync, one fsync (the transaction's) per group commit.
-- messages.path is '' for these; larger messages stay files.
CREATE TABLE message_bytes (
  message INTEGER PRIMARY KEY REFERENCES messages(id),
  bytes   BLOB NOT NULL
);
