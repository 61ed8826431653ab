import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { BackupError, backupDataDir, restoreDataDir } from '../db/backup.ts';

/** PostgreSQL has its own tools, which also do point-in-time recovery; Libra does not wrap them. */
function refuseOnPostgres(databaseUrl: string | undefined, what: string): void {
  if (!databaseUrl) return;
  throw new BackupError(
    `libra ${what} is for the embedded database; DATABASE_URL points at PostgreSQL: use pg_dump -Fc / pg_restore (and WAL archiving for point-in-time recovery), as docs/operations.md describes`,
    64, // EX_USAGE
  );
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `libra backup <file>` and `libra restore <file> [--force]`: the embedded database's backups. */
export function registerBackupCommands(program: Command, say: (line: string) => void) {
  program
    .command('backup')
    .argument('<file>', 'where to write the backup (a gzipped tarball of the data directory)')
    .description('back up the embedded database in DATA_DIR (stop the server first)')
    .action(async (file: string) => {
      const config = loadConfig();
      refuseOnPostgres(config.databaseUrl, 'backup');
      const report = await backupDataDir(config.dataDir, path.resolve(file), `libra backup ${file}`);
      say(
        `Backed up the embedded database in ${config.dataDir} (${report.migrations} migrations) to ${path.resolve(file)} (${megabytes(report.bytes)}).`,
      );
    });

  program
    .command('restore')
    .argument('<file>', 'a backup written by `libra backup`')
    .option('--force', 'replace the database DATA_DIR already holds (it is moved aside, not deleted)')
    .description('restore a backup as the embedded database in DATA_DIR (no process may have it open)')
    .action(async (file: string, options: { force?: boolean }) => {
      const config = loadConfig();
      refuseOnPostgres(config.databaseUrl, 'restore');
      const report = await restoreDataDir(config.dataDir, path.resolve(file), {
        force: options.force === true,
        command: `libra restore ${file}`,
      });
      say(`Restored ${path.resolve(file)} into ${config.dataDir} (${report.migrations} migrations).`);
      if (report.replaced)
        say(
          `  The database that was there is in ${report.replaced}: remove it once the restored one is checked.`,
        );
      say(
        `  Start Libra on it (DATA_DIR=${config.dataDir} npm start): it applies this build's newer migrations, if any, and /health/ready answers 200 once it serves.`,
      );
    });
}
