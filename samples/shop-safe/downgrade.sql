SET lock_timeout = '5s';

BEGIN;

-- Running downgrade 0006 -> 0005

UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0006';

COMMIT;

BEGIN;

-- Running downgrade 0005 -> 0004

ALTER TABLE users ALTER COLUMN name DROP NOT NULL;

UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0005';

COMMIT;

BEGIN;

-- Running downgrade 0004 -> 0003

ALTER TABLE users DROP CONSTRAINT users_name_not_null;

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0004';

COMMIT;

BEGIN;

-- Running downgrade 0003 -> 0002

ALTER TABLE users DROP CONSTRAINT users_email_key;

ALTER TABLE users DROP COLUMN public_id;

ALTER TABLE users DROP COLUMN status;

UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0003';

COMMIT;

BEGIN;

-- Running downgrade 0002 -> 0001

ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS ix_orders_user_id;

BEGIN;

UPDATE alembic_version SET version_num='0001' WHERE alembic_version.version_num = '0002';

COMMIT;

BEGIN;

-- Running downgrade 0001 -> 

DROP TABLE orders;

DROP INDEX ix_users_email;

DROP TABLE users;

DELETE FROM alembic_version WHERE alembic_version.version_num = '0001';

COMMIT;

DROP TABLE alembic_version;

