-- 8: outgoing mail is composed when it is sent, not when it is queued.
--
-- Composing (GMime, quoted-printable over a statement body of tens of KB)
-- was the largest cost left on the path from "received" to "posted", for
-- bytes nobody reads until the sender does. A row now keeps what the mail
-- says (subject, body text, In-Reply-To, recipients with their names) and
-- its identity (message_id, created_at as its Date); notify composes the
-- same bytes from them at each attempt. A routing mail keeps no text: it is
-- the statement, written out from the statement's rows when sent (a copy of
-- the body here doubled what a parse wrote). raw stays for the rows queued
-- before this version, which are sent as they were composed; later rows
-- leave it empty.
ALTER TABLE outbox ADD COLUMN body TEXT;            -- UTF-8, LF line ends; NULL: routing
ALTER TABLE outbox ADD COLUMN in_reply_to TEXT;     -- without <>, or NULL
ALTER TABLE outbox_recipients ADD COLUMN name TEXT; -- display name in To/Cc, or NULL
