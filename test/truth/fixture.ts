import { fixtureFor } from "../../src/docs/effects-cases.js";

/**
 * The schema the truth cases run on: the effects fixture (src/docs/effects-cases.ts: customers,
 * orders, products, tags, events, ...) and more objects of its own, each with rows where a scan
 * matters: a serial table referenced by a foreign key without an index (ledger -> accounts), a
 * list-partitioned table with a DEFAULT partition and an index, candidates to attach (one with a
 * CHECK that proves its bound), row security with a policy, an enum, a composite type and a domain
 * in use, functions, a trigger, a rule, a view over a view (on columns no case changes), a materialized view without a unique
 * index, extended statistics, inheritance, a schema, an owned sequence and a role to grant to.
 */
const ROWS = 300;

const EXTRA = `
CREATE ROLE truth_reader;
CREATE SCHEMA audit;
CREATE TABLE audit.log (id bigint PRIMARY KEY, msg text);
INSERT INTO audit.log SELECT g, 'm' FROM generate_series(1, ${ROWS}) g;
CREATE TABLE accounts (id serial PRIMARY KEY, owner_id bigint REFERENCES customers (id) ON DELETE SET NULL, kind text,
  opened timestamp, closed timestamptz, code varchar(20), note varchar(30), payload jsonb, flags int DEFAULT 0, label text, amount numeric(12,2), branch text);
CREATE INDEX ix_accounts_owner ON accounts (owner_id);
CREATE INDEX ix_accounts_kind_lower ON accounts (lower(kind));
CREATE INDEX ix_accounts_opened ON accounts (opened);
CREATE INDEX ix_accounts_code ON accounts (code);
INSERT INTO accounts (owner_id, kind, opened, closed, code, note, payload, label, amount)
  SELECT g, 'k' || g % 5, '2024-01-01', '2024-02-01', 'c' || g, 'n', '{}', 'l', g FROM generate_series(1, ${ROWS}) g;
CREATE TABLE ledger (id bigint PRIMARY KEY, account_id int NOT NULL REFERENCES accounts (id), amount numeric(12,2), posted date);
INSERT INTO ledger SELECT g, g, g, '2024-01-01' FROM generate_series(1, ${ROWS}) g;
CREATE TABLE measures (id bigint, city text NOT NULL, at timestamptz, value int) PARTITION BY LIST (city);
CREATE TABLE measures_paris PARTITION OF measures FOR VALUES IN ('paris');
CREATE TABLE measures_rome PARTITION OF measures FOR VALUES IN ('rome');
CREATE TABLE measures_other PARTITION OF measures DEFAULT;
CREATE INDEX ix_measures_at ON measures (at);
INSERT INTO measures SELECT g, (ARRAY['paris', 'rome', 'berlin'])[g % 3 + 1], '2024-01-01', g FROM generate_series(1, ${ROWS}) g;
CREATE TABLE measures_oslo (id bigint, city text NOT NULL, at timestamptz, value int);
CREATE TABLE measures_lima (id bigint, city text NOT NULL, at timestamptz, value int, CONSTRAINT measures_lima_city CHECK (city IS NOT NULL AND city = 'lima'));
INSERT INTO measures_oslo SELECT g, 'oslo', '2024-01-01', g FROM generate_series(1, ${ROWS}) g;
INSERT INTO measures_lima SELECT g, 'lima', '2024-01-01', g FROM generate_series(1, ${ROWS}) g;
CREATE TABLE notes (id int PRIMARY KEY, author text, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes USING (author = current_user);
INSERT INTO notes SELECT g, 'a', 'b' FROM generate_series(1, ${ROWS}) g;
CREATE TYPE priority AS ENUM ('low', 'high');
CREATE TYPE price AS (amount numeric, currency text);
CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE contacts (id int PRIMARY KEY, email email_address, level priority, cost price, phone text);
INSERT INTO contacts SELECT g, 'a@b', 'low', ROW(1::numeric, 'EUR')::price, 'p@q' FROM generate_series(1, ${ROWS}) g;
CREATE FUNCTION add_one(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 1';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
CREATE VIEW account_owners AS SELECT a.branch, c.name FROM accounts a JOIN customers c ON c.name = a.branch;
CREATE VIEW branch_names AS SELECT DISTINCT branch FROM account_owners;
CREATE VIEW contact_levels AS SELECT id, email FROM contacts;
CREATE MATERIALIZED VIEW ledger_totals AS SELECT posted, count(*) AS total FROM ledger GROUP BY posted;
CREATE INDEX ix_ledger_totals ON ledger_totals (posted);
CREATE STATISTICS st_accounts ON kind, code FROM accounts;
CREATE TABLE parents (id int PRIMARY KEY, name text);
CREATE TABLE kids (age int) INHERITS (parents);
INSERT INTO parents SELECT g, 'p' FROM generate_series(1, ${ROWS}) g;
INSERT INTO kids SELECT g, 'k', 3 FROM generate_series(1, ${ROWS}) g;
CREATE RULE notes_keep AS ON DELETE TO notes WHERE old.id < 0 DO INSTEAD NOTHING;
CREATE SEQUENCE ticket_numbers;
CREATE TABLE tickets (id bigint DEFAULT nextval('ticket_numbers') PRIMARY KEY, title text);
ALTER SEQUENCE ticket_numbers OWNED BY tickets.id;
INSERT INTO tickets (title) SELECT 't' FROM generate_series(1, ${ROWS});
COMMENT ON TABLE accounts IS 'money';
`;

/** The truth fixture as PostgreSQL `pgVersion` accepts it. */
export function truthFixture(pgVersion: number): string {
  return `${fixtureFor(pgVersion)}${EXTRA}`;
}
