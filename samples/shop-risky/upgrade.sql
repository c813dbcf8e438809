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

-- Running upgrade 0001 -> 0002

CREATE INDEX ix_orders_user_id ON orders (user_id);

ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY(user_id) REFERENCES users (id);

UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';

-- Running upgrade 0002 -> 0003

ALTER TABLE users ADD COLUMN status VARCHAR(20) NOT NULL;

ALTER TABLE users ADD COLUMN public_id UUID DEFAULT gen_random_uuid();

ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';

-- Running upgrade 0003 -> 0004

ALTER TABLE orders ALTER COLUMN amount TYPE BIGINT;

ALTER TABLE users ALTER COLUMN name SET NOT NULL;

ALTER TABLE users RENAME name TO full_name;

UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003';

-- Running upgrade 0004 -> 0005

DROP INDEX ix_users_email;

ALTER TABLE orders DROP COLUMN created_at;

UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0004';

COMMIT;

