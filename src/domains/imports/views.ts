import type { ImportRunRecord } from './repository.ts';

/** A run as the API answers it. */
export function presentRun(run: ImportRunRecord) {
  return {
    id: run.id,
    kind: 'members' as const,
    source: run.source as 'cli' | 'api',
    fileName: run.fileName,
    status: run.status as 'running' | 'completed' | 'stopped',
    stop: run.stopCode ? { code: run.stopCode, line: run.stopLine } : null,
    bytesRead: run.bytesRead,
    rows: run.rows,
    imported: run.imported,
    alreadyImported: run.alreadyImported,
    rejected: run.rejected,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    errorReport: `/v1/imports/${run.id}/errors.csv`,
  };
}
