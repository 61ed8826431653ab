import { formatMessage } from '../../lib/words.ts';
import type { Bilingual, Language, MessageKind, MessageParams } from './message-params.ts';
import type { Template } from './template.ts';
import { CASE_TEXTS } from './texts-cases.ts';
import { MEMBERSHIP_TEXTS, OPERATOR_PHONE } from './texts-membership.ts';

/**
 * The message catalogue: every message Libra sends a person, es-MX first and English second, as
 * ICU MessageFormat (`src/lib/words.ts`). A message is written in both languages when its event
 * happens (the words of that moment are kept) and delivered in the person's language. Each names
 * the membership, case or complaint it is about; a member's ends with the operator's 24-hour line.
 */

export type { ArcoRight, Bilingual, Language, MessageKind, MessageParams } from './message-params.ts';
export type { Template } from './template.ts';
export { OPERATOR_PHONE };

export const CATALOGUE: { [K in MessageKind]: Template<MessageParams[K]> } = {
  ...MEMBERSHIP_TEXTS,
  ...CASE_TEXTS,
};

const SIGN_OFF: Bilingual = {
  es: 'Asistencia Libra Plus, 24 horas: {operatorPhone}.',
  en: 'Asistencia Libra Plus, 24 hours: {operatorPhone}.',
};

export function isMessageKind(kind: string): kind is MessageKind {
  return Object.hasOwn(CATALOGUE, kind);
}

function write<K extends MessageKind>(kind: K, params: MessageParams[K], language: Language): string {
  const template = CATALOGUE[kind] as Template<MessageParams[K]>;
  const body = formatMessage(template.body[language], template.values(params, language), language);
  if (template.audience !== 'member') return body;
  return `${body}\n\n${formatMessage(SIGN_OFF[language], { operatorPhone: OPERATOR_PHONE[language] }, language)}`;
}

/** The message of a kind in both languages; members' messages end with the operator's line. */
export function render<K extends MessageKind>(kind: K, params: MessageParams[K]): Bilingual {
  return { es: write(kind, params, 'es'), en: write(kind, params, 'en') };
}

/** The subject of an email of this kind (older kinds the catalogue no longer has get a generic one). */
export function subjectOf(kind: string, language: Language): string {
  return isMessageKind(kind)
    ? CATALOGUE[kind].subject[language]
    : language === 'es'
      ? 'Mensaje de Asistencia Libra Plus'
      : 'Message from Asistencia Libra Plus';
}
