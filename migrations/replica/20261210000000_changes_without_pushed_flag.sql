-- What the server holds of this replica's changes is `meta.pushed_through` (pushed changes
-- are always a prefix of this replica's counters, see `20261208000000_fewer_pages_per_save`).
-- `changes.pushed` was kept equal to it, and nothing read it: acknowledging a push rewrote
-- every row it had just sent (a whole outbox after a day offline: each row rewritten,
-- encrypted and logged again) to say what the mark already says. The column goes.
ALTER TABLE changes DROP COLUMN pushed;
