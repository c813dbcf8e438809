BEGIN;

-- Running downgrade 0005 -> 0004

ALTER TABLE orders ADD COLUMN created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now();

CREATE INDEX ix_users_email ON users (email);

UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0005';

-- Running downgrade 0004 -> 0003

ALTER TABLE users RENAME full_name TO name;

ALTER TABLE users ALTER COLUMN name DROP NOT NULL;

ALTER TABLE orders ALTER COLUMN amount TYPE INTEGER;

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0004';

-- Running downgrade 0003 -> 0002

ALTER TABLE users DROP CONSTRAINT users_email_key;

ALTER TABLE users DROP COLUMN public_id;

ALTER TABLE users DROP COLUMN status;

UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0003';

-- Running downgrade 0002 -> 0001

ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;

DROP INDEX ix_orders_user_id;

UPDATE alembic_version SET version_num='0001' WHERE alembic_version.version_num = '0002';

-- Running downgrade 0001 -> 

DROP TABLE orders;

DROP INDEX ix_users_email;

DROP TABLE users;

DELETE FROM alembic_version WHERE alembic_version.version_num = '0001';

DROP TABLE alembic_version;

COMMIT;

