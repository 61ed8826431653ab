import { type FulfilmentModule, NOTHING_TO_DO } from '../cases/fulfilment.ts';

/**
 * The remote fulfilment (online doctor, lawyer): an opened case waits in the queue of the on-duty
 * professionals of its kind; taking it, calling back and closing it are `RemoteService`. Nothing
 * is held before a professional takes it, so a cancellation has nothing to give back here.
 */
export const remoteFulfilment: FulfilmentModule = {
  ...NOTHING_TO_DO,
  kind: 'remote',
  measuredAgainstSla: true,
};
