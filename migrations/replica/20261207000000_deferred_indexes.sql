-- Indexes set aside while a bootstrap or a large catch-up of pulls writes its pages (see
-- `deferred_index.rs`): each row is an index dropped in the same transaction that stored
-- its definition here, and is created again from it (and the row deleted) by the last
-- page or when the replica is next opened.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) STRICT;
