// An alembic-style history as `alembic upgrade head --sql` prints it with default settings: one
// transaction for the whole run, thousands of revisions, each creating a table the way
// op.create_table renders it and changing tables of earlier revisions (columns, indexes, foreign
// keys, types, a data migration). Statement sizes follow the corpus (about 150 bytes on average).

function revisionId(i) {
  return ((i * 2654435761) % 0xffffffffffff).toString(16).padStart(12, "0");
}

function createTable(table, parent) {
  return `CREATE TABLE ${table} (
    id SERIAL NOT NULL, 
    tenant_id UUID NOT NULL, 
    name VARCHAR(255) NOT NULL, 
    description TEXT, 
    status VARCHAR(32) DEFAULT 'active' NOT NULL, 
    ${parent ? `parent_id INTEGER, ` : ""}
    settings JSONB DEFAULT '{}'::jsonb NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE, 
    PRIMARY KEY (id)${parent ? `, \n    FOREIGN KEY(parent_id) REFERENCES ${parent} (id) ON DELETE CASCADE` : ""}
);`;
}

function revision(i) {
  const table = `table_${i}`;
  const earlier = i > 0 ? `table_${i - 1}` : null;
  const parts = [
    `-- Running upgrade ${i === 0 ? "" : revisionId(i - 1)} -> ${revisionId(i)}`,
    createTable(table, earlier),
    `CREATE INDEX ix_${table}_tenant_id ON ${table} (tenant_id);`,
  ];
  if (earlier) parts.push(`CREATE INDEX ix_${table}_parent_id ON ${table} (parent_id);`);
  if (earlier) {
    parts.push(
      `ALTER TABLE ${earlier} ADD COLUMN archived_at_${i} TIMESTAMP WITH TIME ZONE;`,
      `CREATE INDEX ix_${earlier}_name_${i} ON ${earlier} (name);`,
      `ALTER TABLE ${earlier} ALTER COLUMN name TYPE VARCHAR(300);`,
      `ALTER TABLE ${table} ADD CONSTRAINT fk_${table}_tenant_${i} FOREIGN KEY(parent_id) REFERENCES ${earlier} (id);`,
      `UPDATE ${earlier} SET status='archived' WHERE ${earlier}.updated_at < now() - interval '1 year';`,
    );
  }
  parts.push(
    i === 0
      ? `INSERT INTO alembic_version (version_num) VALUES ('${revisionId(i)}') RETURNING alembic_version.version_num;`
      : `UPDATE alembic_version SET version_num='${revisionId(i)}' WHERE alembic_version.version_num = '${revisionId(i - 1)}';`,
  );
  return parts.join("\n\n") + "\n\n";
}

/** At least `bytes` bytes of SQL. */
export function generateHistory(bytes) {
  const chunks = [
    "BEGIN;\n\nCREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n",
  ];
  let size = chunks[0].length;
  let revisions = 0;
  while (size < bytes) {
    const text = revision(revisions++);
    chunks.push(text);
    size += text.length;
  }
  chunks.push("COMMIT;\n");
  return { sql: chunks.join(""), revisions };
}
