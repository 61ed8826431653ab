/**
 * Every string of the staff apps (the console and the provider app), in es-MX and English. They
 * are kept apart from the customer web's catalogue so that the public pages do not carry them:
 * they load with the staff apps' own chunks. Same rules as the customer catalogue: one file per
 * area, the same keys and placeholders in both languages (staff-messages.test.ts checks it).
 */
import * as admin from './admin.ts';
import * as agent from './agent.ts';
import * as dashboard from './dashboard.ts';
import * as maps from './maps.ts';
import * as messages from './messages-area.ts';
import * as privacy from './privacy.ts';
import * as provider from './provider.ts';
import * as queues from './queues.ts';
import * as shell from './shell.ts';
import * as words from './staff-words.ts';
import * as verify from './verify.ts';

export const es = {
  ...shell.es,
  ...agent.es,
  ...queues.es,
  ...admin.es,
  ...dashboard.es,
  ...provider.es,
  ...messages.es,
  ...maps.es,
  ...privacy.es,
  ...verify.es,
  ...words.es,
};
export type StaffMessageKey = keyof typeof es;

export const en: Record<StaffMessageKey, string> = {
  ...shell.en,
  ...agent.en,
  ...queues.en,
  ...admin.en,
  ...dashboard.en,
  ...provider.en,
  ...messages.en,
  ...maps.en,
  ...privacy.en,
  ...verify.en,
  ...words.en,
};

export const staffCatalogues = { es, en } as const;

/** For keys built from data (a role, a state): is there a message for it? */
export function isStaffMessageKey(key: string): key is StaffMessageKey {
  return Object.hasOwn(es, key);
}
