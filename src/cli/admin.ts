import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { buildServices } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';
import type { DatabaseHandle } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { systemClock } from '../lib/clock.ts';
import { AppError } from '../lib/errors.ts';
import {
  API_KEY_KINDS,
  type ApiKeyKind,
  SYSTEM_ACTOR,
  USER_ROLES,
  type UserRole,
} from '../platform/principal.ts';

type WithDatabase = <T>(config: Config, work: (database: DatabaseHandle) => Promise<T>) => Promise<T>;

/** A password nobody chose: 24 random characters, shown once, to be changed at first sign-in. */
function generatedPassword(): string {
  return randomBytes(18).toString('base64url');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** An option that must be a whole number; the service checks its range. Absent: undefined. */
function wholeNumber(raw: string | undefined, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new Error(`${option} must be a whole number, got "${raw}"`);
  return Number(raw.trim());
}

function explain(error: unknown): never {
  if (error instanceof AppError) {
    const fields = error.options.errors?.map((e) => ` ${e.field} ${e.message}`).join(';') ?? '';
    throw new Error(`${error.code}: ${error.message}${fields}`);
  }
  throw error;
}

/**
 * How production gets its first admin, staff and partner keys: from the server's shell, where
 * whoever runs it already holds the database. Each action is audited as done by the system.
 */
export function registerAdminCommands(
  program: Command,
  withDatabase: WithDatabase,
  say: (line: string) => void,
) {
  const users = program.command('users').description('staff and provider accounts');
  users
    .command('create')
    .description('create an account; prints a generated password unless --password-stdin is given')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--role <role>', `one of ${USER_ROLES.filter((r) => r !== 'customer').join(', ')}`)
    .option('--provider-id <uuid>', 'for provider accounts: the provider they work for')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (options: {
        email: string;
        name: string;
        role: string;
        providerId?: string;
        passwordStdin?: boolean;
      }) => {
        if (!(USER_ROLES as readonly string[]).includes(options.role) || options.role === 'customer') {
          throw new Error(`--role must be one of ${USER_ROLES.filter((r) => r !== 'customer').join(', ')}`);
        }
        const password = options.passwordStdin ? await readStdin() : generatedPassword();
        await withDatabase(loadConfig(), async (database) => {
          await migrateDatabase(database);
          const services = buildServices(database, systemClock);
          const user = await services.identity
            .createUser(SYSTEM_ACTOR, {
              email: options.email,
              name: options.name,
              role: options.role as UserRole,
              password,
              providerId: options.providerId ?? null,
            })
            .catch(explain);
          say(`created ${user.role} ${user.email} (${user.id})`);
          if (!options.passwordStdin) say(`password (shown once): ${password}`);
        });
      },
    );

  const keys = program
    .command('api-keys')
    .description('API keys for the bank, providers’ systems and metrics');
  keys
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--name <name>', 'who it is for, e.g. "Banco — contratación"')
    .requiredOption('--kind <kind>', API_KEY_KINDS.join(', '))
    .requiredOption('--scopes <scopes>', 'comma-separated, e.g. memberships:write,memberships:read')
    .option('--provider-id <uuid>', 'for provider keys: the provider')
    .option(
      '--rate-limit-per-minute <n>',
      "the key's own requests a minute, from any address (default: PARTNER_RATE_LIMIT_PER_MINUTE)",
    )
    .action(
      async (options: {
        name: string;
        kind: string;
        scopes: string;
        providerId?: string;
        rateLimitPerMinute?: string;
      }) => {
        const rateLimitPerMinute = wholeNumber(options.rateLimitPerMinute, '--rate-limit-per-minute');
        await withDatabase(loadConfig(), async (database) => {
          await migrateDatabase(database);
          const services = buildServices(database, systemClock);
          const created = await services.apiKeys
            .createApiKey(SYSTEM_ACTOR, {
              name: options.name,
              kind: options.kind as ApiKeyKind,
              scopes: options.scopes.split(',').map((s) => s.trim()),
              providerId: options.providerId ?? null,
              rateLimitPerMinute,
            })
            .catch(explain);
          say(`created ${created.apiKey.kind} key "${created.apiKey.name}" (${created.apiKey.id})`);
          const limit = created.apiKey.rateLimitPerMinute;
          say(
            `rate limit: ${limit === null ? "the server's PARTNER_RATE_LIMIT_PER_MINUTE" : `${limit} requests a minute`}`,
          );
          say(`key (shown once): ${created.key}`);
        });
      },
    );
}
