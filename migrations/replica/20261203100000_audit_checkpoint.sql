-- The latest signed audit checkpoint the server returned (JSON), and the clinic's
-- checkpoint public key as first seen (a later checkpoint signed by another key is not
-- kept). `outpost audit verify` checks the chain still reaches the checkpoint.
ALTER TABLE meta_integrity ADD COLUMN checkpoint TEXT;
ALTER TABLE meta_integrity ADD COLUMN checkpoint_public_key TEXT;
