-- Whether a message's body is HTML (1) or text (0), decided from its template before
-- values such as the username were put in; NULL (messages queued before) leaves it to
-- the sender, as before.

ALTER TABLE outbox ADD COLUMN html INTEGER;
