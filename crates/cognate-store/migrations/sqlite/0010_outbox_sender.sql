-- A message's own sender and Reply-To address (threat-protection notifications use
-- their NotifyConfiguration's From and ReplyTo); NULL means the pool's or the
-- server's sender, as before.

ALTER TABLE outbox ADD COLUMN sender TEXT;
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
