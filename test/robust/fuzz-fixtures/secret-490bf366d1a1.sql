DROP INDEX users_email_idx;
ALTER ROLE app PASSWORD 'Zq68quaio0X9
