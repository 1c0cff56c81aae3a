-- Indexes a bootstrap set aside while it writes its pages (see `deferred_index.rs`): each
-- row is an index dropped in the same transaction that stored its definition here, and is
-- created again from it (and the row deleted) when the bootstrap finishes or the replica is
-- next opened.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) STRICT;
