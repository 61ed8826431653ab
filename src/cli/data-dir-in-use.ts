import type { DataDirInUseError } from '../db/data-dir-lock.ts';
import { mexicoCityDate } from '../lib/clock.ts';

/**
 * What a second process on the same embedded database is told: who holds it, and what to do
 * instead for the command it was asked to run.
 */
export function dataDirInUseMessage(error: DataDirInUseError, args: string[]): string {
  const { holder, dataDir } = error;
  const since = new Date(holder.since);
  const when = Number.isNaN(since.getTime())
    ? holder.since
    : `${mexicoCityDate(since)} ${since.toLocaleTimeString('es-MX', { timeZone: 'America/Mexico_City', hour12: false })} (Mexico City)`;
  const lines = [
    `libra: the embedded database in ${dataDir} is in use by another Libra process:`,
    `  ${holder.command || 'libra'} (pid ${holder.pid} on ${holder.host}, since ${when}).`,
    '  PGlite runs inside one process, so only one Libra process may open a DATA_DIR at a time.',
  ];
  const command = args.filter((a) => !a.startsWith('-')).join(' ');
  if (command.startsWith('billing run')) {
    lines.push(
      "  To bill while the server runs, ask it: POST /v1/billing/runs as finance (the console's",
      '  "Cobros" page starts one), or stop the server first (Ctrl+C) and run this again.',
    );
  } else if (command.startsWith('backup') || command.startsWith('restore')) {
    lines.push(
      '  The embedded database is backed up and restored while no process has it open: stop the',
      '  server (Ctrl+C, or SIGTERM to its service), run this again, then start it.',
    );
  } else if (command.startsWith('serve') || command === '') {
    lines.push(
      '  Use the server that is running, stop it first (Ctrl+C), or give this one its own DATA_DIR.',
    );
  } else {
    lines.push('  Stop the server first (Ctrl+C) and run this again, or use its API.');
  }
  lines.push(`  (If no such process exists, ${dataDir}/libra.lock is left over: remove it.)`);
  return `${lines.join('\n')}\n`;
}
