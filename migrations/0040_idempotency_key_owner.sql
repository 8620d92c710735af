-- The process id of the server running a claimed key's request (status NULL): at start-up a
-- server releases the claims of processes that are gone, so a request cut short by a crash can be
-- retried at once instead of answering 409 for a day.
ALTER TABLE idempotency_keys ADD COLUMN owner_pid INTEGER;
-- Only the claims still running, so the start-up sweep reads them and nothing else.
CREATE INDEX idempotency_keys_claims ON idempotency_keys (owner_pid) WHERE status IS NULL;
