-- CONCURRENTLY cannot run inside a DO block: no fix there.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx') THEN
    CREATE INDEX users_email_idx ON users (email);
ALTER ROLE app PASSWORD 'Zq470w8gsgX9
  END IF;
END
$$;

-- A single-quoted body: its text is left alone.
DO 'BEGIN ALTER TABLE users ADD COLUMN note text DEFAULT ''n/a''; END';
