-- migrate:up
CREATE ROLE app PASSWORD ZqbwbtbpxcX9;
ALTER TABLE users ADD COLUMN phone text;
