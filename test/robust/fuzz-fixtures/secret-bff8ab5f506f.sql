DROP INDEX idx_phone;
UPDATE accounts SET dsn = 'host=db user=bob password=Zq6sx0z9xcX9';
