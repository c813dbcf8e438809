import type { Seed } from "./corpus.js";
import type { Random } from "./random.js";

/**
 * Mutated windows of real migration SQL: each mutation is a way real input goes wrong (a cut
 * download, a bad encoding, a terminal escape in a name, psql's meta-commands, a shuffled history)
 * or a way to stress a limit (huge identifiers, deep parentheses, long expressions).
 */

export interface FuzzInput {
  bytes: Buffer;
  /** Where it came from and what was done to it, for the report of a failure. */
  recipe: string[];
}

type TextMutation = (text: string, random: Random) => string;
type ByteMutation = (bytes: Buffer, random: Random) => Buffer;

/** Statements glued in at random places: the kinds the splitter and the rules treat specially. */
const STATEMENTS = [
  "CREATE INDEX CONCURRENTLY ix_fuzz ON users (id);",
  "ALTER TABLE users ADD COLUMN fuzz integer NOT NULL DEFAULT 0;",
  "ALTER TABLE users ALTER COLUMN id TYPE bigint;",
  "DO $$ BEGIN RAISE NOTICE 'x;y'; END $$;",
  "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN RETURN NEW; END; $body$ LANGUAGE plpgsql;",
  "COPY users (id) FROM stdin;\n1\n2\n\\.\n",
  "VACUUM FULL users;",
  "LOCK TABLE users IN ACCESS EXCLUSIVE MODE;",
  "UPDATE alembic_version SET version_num='ffff' WHERE alembic_version.version_num = 'eeee';",
  "INSERT INTO alembic_version (version_num) VALUES ('abc123') RETURNING alembic_version.version_num;",
  "SELECT 'unterminated;",
  "SELECT E'\\x1b[31m' AS \"\u202Eevil\";",
  "COMMIT AND CHAIN;",
  "SAVEPOINT s; ROLLBACK TO SAVEPOINT s;",
  "SET lock_timeout = '2s';",
  "REINDEX TABLE CONCURRENTLY users;",
  ";;;",
  "/* unterminated comment",
  "-- comment with ; semicolon",
  "/* outer /* nested; */ still a comment; */ SELECT 1;",
  "SELECT E'it\\'s; still a string';",
  "SELECT U&'\\0041;' UESCAPE '!';",
  "SELECT '$$' AS a, $a$ $b$ ; $a$ AS b;",
  "CREATE RULE r AS ON INSERT TO users DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));",
  "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;",
  "SELECT :'psql_variable', :psql_variable;",
  'CREATE TABLE "we;ird""name" ("a""b" int);',
];

const META_LINES = ["\\connect other", "\\set ON_ERROR_STOP on", "\\restrict abcDEF123", "\\unrestrict abcDEF123", "\\.", "\\i other.sql", "\\\\", "\\gexec"];
const ODD_BYTES = [
  [0x00],
  [0x1b, 0x5b, 0x33, 0x31, 0x6d],
  [0x1b, 0x5d, 0x30, 0x3b, 0x07],
  [0xe2, 0x80, 0xae],
  [0xe2, 0x81, 0xa6],
  [0xff],
  [0xc3],
  [0xed, 0xa0, 0x80],
  [0xef, 0xbb, 0xbf],
  [0x0d],
  [0xf0, 0x9f, 0x98],
];

function lines(text: string): string[] {
  return text.split("\n");
}

const insertLines = (text: string, random: Random, added: string[]): string => {
  const all = lines(text);
  all.splice(random.int(all.length + 1), 0, ...added);
  return all.join("\n");
};

const textMutations: Record<string, TextMutation> = {
  duplicateLines(text, random) {
    const all = lines(text);
    const start = random.int(all.length);
    const copy = all.slice(start, start + random.between(1, 30));
    all.splice(random.int(all.length + 1), 0, ...copy);
    return all.join("\n");
  },
  deleteLines(text, random) {
    const all = lines(text);
    all.splice(random.int(all.length), random.between(1, 20));
    return all.join("\n");
  },
  glueStatement(text, random) {
    const statement = random.pick(STATEMENTS);
    if (random.chance(0.5)) return insertLines(text, random, [statement]);
    const at = random.int(text.length + 1); // mid-line, mid-token
    return text.slice(0, at) + statement + text.slice(at);
  },
  truncateInside(text, random) {
    // cut just after an opening: inside a comment, a quote, a dollar quote or an identifier
    const openings = [...text.matchAll(/--|\/\*|'|"|\$[a-z_]*\$|\(/gi)].map((m) => m.index + m[0].length);
    const at = openings.length > 0 ? random.pick(openings) + random.int(4) : random.int(text.length);
    return text.slice(0, at);
  },
  hugeIdentifier(text, random) {
    const name = "x".repeat(random.pick([64, 1000, 100_000]));
    const quoted = random.chance(0.5) ? `"${name}"` : name;
    return text.replace(/\b(users|alembic_version|[a-z_]{4,})\b/, quoted);
  },
  deepParentheses(text, random) {
    const depth = random.pick([50, 1000, 10_000]);
    const balanced = random.chance(0.7);
    return insertLines(text, random, [`SELECT ${"(".repeat(depth)}1${balanced ? ")".repeat(depth) : ""};`]);
  },
  longExpression(text, random) {
    return insertLines(text, random, [`SELECT 1${" + 1".repeat(random.pick([100, 3000, 20_000]))};`]);
  },
  psqlMeta(text, random) {
    return insertLines(text, random, [random.pick(META_LINES)]);
  },
  shuffleTransactions(text, random) {
    const all = lines(text);
    const marks = all.flatMap((line, i) => (/^(BEGIN|COMMIT|ROLLBACK|END);?$/i.test(line.trim()) ? [i] : []));
    if (marks.length === 0 || random.chance(0.3)) return insertLines(text, random, [random.pick(["BEGIN;", "COMMIT;", "ROLLBACK;", "END;", "BEGIN; BEGIN;"])]);
    const i = random.pick(marks);
    if (random.chance(0.5)) all.splice(i, 1);
    else all.splice(random.int(all.length), 0, all[i]!);
    return all.join("\n");
  },
  shuffleRevisions(text, random) {
    const all = lines(text);
    const marks = all.flatMap((line, i) => (line.startsWith("-- Running") ? [i] : []));
    if (marks.length === 0) return insertLines(text, random, ["-- Running upgrade  -> 0000fuzz"]);
    const [a, b] = [random.pick(marks), random.pick(marks)];
    [all[a], all[b]] = [all[b]!, all[a]!];
    if (random.chance(0.3))
      all[random.pick(marks)] = random.pick([
        "-- Running upgrade",
        "-- Running upgrade x ->",
        "-- Running downgrade a -> b, c",
        "-- Running upgrade a, b -> c",
      ]);
    return all.join("\n");
  },
  removeSemicolon(text, random) {
    const at = [...text.matchAll(/;/g)].map((m) => m.index);
    if (at.length === 0) return text;
    const i = random.pick(at);
    return text.slice(0, i) + text.slice(i + 1);
  },
  spliceSelf(text, random) {
    // a piece of the text pasted mid-token elsewhere: statements cut and glued
    const from = random.int(text.length + 1);
    const piece = text.slice(from, from + random.between(1, 400));
    const at = random.int(text.length + 1);
    return text.slice(0, at) + piece + text.slice(at);
  },
  lineEndings(text, random) {
    return random.chance(0.5) ? text.replace(/\n/g, "\r\n") : text.replace(/\n/g, "\r");
  },
};

const byteMutations: Record<string, ByteMutation> = {
  flipBytes(bytes, random) {
    const copy = Buffer.from(bytes);
    // mostly the low seven bits: ASCII stays ASCII, so most cases get past the UTF-8 check to the parser
    for (let n = random.between(1, 8); n > 0 && copy.length > 0; n--) copy[random.int(copy.length)]! ^= 1 << (random.chance(0.9) ? random.int(7) : 7);
    return copy;
  },
  insertOddBytes(bytes, random) {
    const at = random.int(bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(random.pick(ODD_BYTES)), bytes.subarray(at)]);
  },
  truncate(bytes, random) {
    return bytes.subarray(0, random.int(bytes.length + 1));
  },
  utf16(bytes, random) {
    const text = bytes.toString("utf8");
    return random.chance(0.5) ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]) : Buffer.from(text, "utf16le");
  },
};

/** A window of whole lines of one seed: small enough to run fast, big enough to hold several revisions. */
function window(seed: Seed, random: Random): { text: string; where: string } {
  const all = lines(seed.text);
  const size = random.chance(0.05) ? all.length : random.between(3, 150);
  const start = random.int(Math.max(1, all.length - size));
  return { text: all.slice(start, start + size).join("\n"), where: `${seed.name} lines ${start + 1}-${Math.min(all.length, start + size)}` };
}

/** One fuzz input: a window, one to four mutations of its text, and sometimes of its bytes. */
export function fuzzInput(seeds: readonly Seed[], random: Random): FuzzInput {
  const { text: windowText, where } = window(random.pick(seeds), random);
  const recipe = [where];
  let text = windowText;
  const textNames = Object.keys(textMutations);
  for (let n = random.between(1, 4); n > 0; n--) {
    const name = random.pick(textNames);
    text = textMutations[name]!(text, random);
    recipe.push(name);
  }
  let bytes: Buffer = Buffer.from(text, "utf8");
  if (random.chance(0.4)) {
    const name = random.pick(Object.keys(byteMutations).filter((n) => n !== "utf16" || random.chance(0.1)));
    bytes = byteMutations[name]!(bytes, random);
    recipe.push(name);
  }
  return { bytes, recipe };
}
