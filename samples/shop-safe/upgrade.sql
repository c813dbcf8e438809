SET lock_timeout = '5s';

BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 0001

CREATE TABLE users (
    id SERIAL NOT NULL, 
    email VARCHAR(200) NOT NULL, 
    name VARCHAR(100), 
    PRIMARY KEY (id)
);

CREATE INDEX ix_users_email ON users (email);

CREATE TABLE orders (
    id SERIAL NOT NULL, 
    user_id INTEGER NOT NULL, 
    amount INTEGER NOT NULL, 
    created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(), 
    PRIMARY KEY (id)
);

INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING alembic_version.version_num;

COMMIT;

BEGIN;

-- Running upgrade 0001 -> 0002

COMMIT;

CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_user_id ON orders (user_id);

BEGIN;

ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY(user_id) REFERENCES users (id) NOT VALID;

UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';

COMMIT;

BEGIN;

-- Running upgrade 0002 -> 0003

ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;

ALTER TABLE users ADD COLUMN status VARCHAR(20) DEFAULT 'active' NOT NULL;

ALTER TABLE users ADD COLUMN public_id UUID;

ALTER TABLE users ALTER COLUMN public_id SET DEFAULT gen_random_uuid();

COMMIT;

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);

BEGIN;

ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';

COMMIT;

BEGIN;

-- Running upgrade 0003 -> 0004

ALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK (name IS NOT NULL) NOT VALID;

UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003';

COMMIT;

BEGIN;

-- Running upgrade 0004 -> 0005

ALTER TABLE users VALIDATE CONSTRAINT users_name_not_null;

ALTER TABLE users ALTER COLUMN name SET NOT NULL;

ALTER TABLE users DROP CONSTRAINT users_name_not_null;

UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0004';

COMMIT;

BEGIN;

-- Running upgrade 0005 -> 0006

ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(200);

UPDATE alembic_version SET version_num='0006' WHERE alembic_version.version_num = '0005';

COMMIT;

