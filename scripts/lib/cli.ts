import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Db } from '../../db/client.js';
import { ConfigError, loadConfig, type Config } from '../../server/src/config.js';

/**
 * Shared plumbing of the operator CLIs in scripts/: argument parsing with --help, opening the
 * database from the environment's configuration, one-line error messages and exit codes.
 *
 * Exit codes: 0 done, 1 failed (the message says why), 2 bad arguments (usage follows); a script
 * may define more (verify-audit-log: 3 = broken chain).
 *
 * The database driver and server modules take about a second to load, so this file and the scripts
 * import them lazily, once arguments and configuration have been checked: --help, usage errors and
 * configuration errors answer at once.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An expected failure: printed as its message alone, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
  }
}

/** Bad arguments: printed with the usage text, exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

export const NOT_MIGRATED = 'Database is not migrated; run npm run migrate first';

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'] & {};
type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } };
export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: WithHelp<O>; allowPositionals: true; strict: true }>
>;

export interface Command<O extends Options> {
  /** The npm script name, used as the prefix of error messages. */
  name: string;
  /** Printed by --help, and after a usage error. */
  usage: string;
  options: O;
  /** How many positional arguments the command accepts (default 0). */
  maxPositionals?: number;
}

/**
 * Runs a CLI: parses argv (handling --help), calls `main`, and exits with its return value (0 when
 * it returns nothing). Expected errors become one line on stderr; only unexpected errors offer a
 * stack trace, and only when LINKYARD_DEBUG=1.
 */
export async function runCli<O extends Options>(
  command: Command<O>,
  main: (args: Parsed<O>) => Promise<number | void>,
  argv: string[] = process.argv.slice(2),
): Promise<never> {
  let code: number;
  try {
    const args = parseCommandLine(command, argv);
    if ((args.values as { help?: boolean }).help) {
      process.stdout.write(command.usage.trim() + '\n');
      code = EXIT_OK;
    } else {
      code = (await main(args)) ?? EXIT_OK;
    }
  } catch (err) {
    code = reportError(command, err);
  }
  // Exit explicitly: a pool or PGlite handle left open by a failure must not keep the process alive.
  process.exit(code);
}

function parseCommandLine<O extends Options>(command: Command<O>, argv: string[]): Parsed<O> {
  const options = { ...command.options, help: { type: 'boolean', short: 'h' } } as WithHelp<O>;
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as Parsed<O>;
  } catch (err) {
    // Node's messages go on to explain `--` escaping, which is noise here.
    throw new UsageError(String((err as Error).message).replace(/\. To specify a positional.*$/s, ''));
  }
  if ((parsed.values as { help?: boolean }).help) return parsed;
  const max = command.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals
      .slice(max)
      .map((p) => `"${p}"`)
      .join(', ');
    throw new UsageError(`unexpected argument ${extra}`);
  }
  return parsed;
}

function reportError(command: Command<Options>, err: unknown): number {
  const fail = (line: string, exitCode = EXIT_FAILED) => {
    process.stderr.write(line + '\n');
    return exitCode;
  };
  if (err instanceof UsageError) {
    process.stderr.write(`${command.name}: ${err.message}\n\n${command.usage.trim()}\n`);
    return err.exitCode;
  }
  if (err instanceof CliError) return fail(err.message, err.exitCode);
  if (err instanceof ConfigError) return fail(err.problems.map((problem) => `Configuration error: ${problem}`).join('\n'));
  // These say what happened and what to do in full; a stack trace would add nothing.
  // (Matched by name: db/client.ts is imported lazily, after --help and argument checks.)
  if (err instanceof Error && ['DataDirLockedError', 'EmbeddedDatabaseError'].includes(err.name))
    return fail(`${command.name}: ${err.message}`);
  const known = describeDatabaseError(err);
  if (known) return fail(known);
  const message = err instanceof Error ? err.message : String(err);
  if (process.env.LINKYARD_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return fail(`${command.name} failed: ${message}${process.env.LINKYARD_DEBUG === '1' ? '' : ' (LINKYARD_DEBUG=1 shows the stack trace)'}`);
}

/** Turns the database errors an operator can act on into one sentence; null for anything else. */
function describeDatabaseError(err: unknown): string | null {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] } | null;
  if (!e || typeof e !== 'object') return null;
  const code = e.code ?? e.errors?.[0]?.code;
  switch (code) {
    case '42P01': // undefined_table
      return NOT_MIGRATED;
    case '3D000': // invalid_catalog_name
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification
      return `Cannot connect to the database: ${e.message}`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return `Cannot connect to the database (${code}): is PostgreSQL running, and is DATABASE_URL right?`;
    default:
      return null;
  }
}

/** Where the data lives, for the first line of a script's output (never the password). */
export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `embedded PGlite in ${config.dataDir}`;
  const u = new URL(config.databaseUrl);
  return `PostgreSQL ${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

export interface DatabaseOptions {
  /** Refuse to run (with NOT_MIGRATED) unless every migration is applied. Default true. */
  requireMigrated?: boolean;
}

/**
 * Loads the configuration (a ConfigError becomes "Configuration error: …"), opens the database,
 * runs `fn` and closes the database whatever happens. Embedded PGlite allows one process per
 * DATA_DIR, so a script cannot run while the server holds the same directory.
 */
export async function withDatabase<T>(fn: (db: Db, config: Config) => Promise<T>, options: DatabaseOptions = {}): Promise<T> {
  const config = loadConfig();
  say(`Database: ${describeDatabase(config)}`);
  const [{ openDb, checkDatabaseConnection }, { createMigrator }] = await Promise.all([
    import('../../db/client.js'),
    import('../../db/migrate.js'),
  ]);
  // An unreachable server fails in seconds with its answer, not after the operating system's TCP timeout.
  if (config.databaseUrl) await checkDatabaseConnection(config.databaseUrl);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    if (options.requireMigrated !== false) {
      const pending = (await createMigrator(db.kysely).getMigrations()).filter((m) => !m.executedAt);
      if (pending.length) throw new CliError(NOT_MIGRATED);
    }
    return await fn(db, config);
  } finally {
    await db.close().catch(() => {});
  }
}

/** A line of output (progress and summaries go to stdout; errors to stderr). */
export function say(line = ''): void {
  process.stdout.write(line + '\n');
}

/** An indented progress line under the step that produced it. */
export function step(line: string): void {
  process.stdout.write(`  ${line}\n`);
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * Reads one line from stdin for a secret: piped input is read up to the first newline; a terminal
 * gets a prompt (on stderr) and no echo. Never logs what it read.
 */
export async function readSecretLine(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) return readHiddenFromTerminal(prompt);
  const rl = createInterface({ input: stdin, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
    stdin.destroy();
  }
}

function readHiddenFromTerminal(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          return resolve(value);
        }
        if (ch === '\u0003') {
          finish();
          return reject(new CliError('Cancelled', 130));
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
