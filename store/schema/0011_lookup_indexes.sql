-- 11: the lookup of a statement by the Message-ID of the mail it came in
-- (a duplicate, a reply's In-Reply-To) must not read every statement: the
-- forwarded original's Message-ID in metadata gets an index like the
-- duplicate keys of 0010. Without it every arrival scanned all statements
-- on record (O(n) per message, found by `make bench`: 8x the CPU per
-- statement after 2,000 of them).
CREATE INDEX statements_message_id ON statements(json_extract(metadata, '$.message_id'));
