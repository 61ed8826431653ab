/**
 * The console's identity check before a member's details (keys start with `verify.`): two facts
 * asked of the caller, or a written reason to skip.
 */
export const es = {
  'verify.title': 'Verifica la identidad de quien llama',
  'verify.loading': 'Revisando la verificación…',
  'verify.error': 'No pudimos revisar la verificación',
  'verify.intro':
    'Antes de ver o cambiar los datos de la membresía {number}, pide dos datos a quien llama. No se los leas.',
  'verify.pair': 'Datos que pides',
  'verify.pair.card': 'Fecha de nacimiento y últimos 4 de la tarjeta',
  'verify.pair.number': 'Número de membresía y fecha de nacimiento',
  'verify.birthDate': 'Fecha de nacimiento',
  'verify.birthDateHint': 'Del titular o de un beneficiario.',
  'verify.cardLast4': 'Últimos 4 dígitos de la tarjeta',
  'verify.number': 'Número de membresía',
  'verify.numberHint': 'Por ejemplo LM-26-000123.',
  'verify.submit': 'Verificar',
  'verify.skip': 'Omitir',
  'verify.skipReason': 'Motivo para omitir la verificación',
  'verify.skipHint':
    'Queda en el registro de auditoría. Por ejemplo: emergencia médica, quien llama no puede hablar.',
  'verify.skipSubmit': 'Omitir y ver datos',
  'verify.skipBack': 'Volver a verificar',
  'verify.skipShort': 'Escribe el motivo (al menos 5 letras).',
  'verify.missing': 'Escribe los dos datos.',
  'verify.attemptsLeft': 'Intentos restantes: {count}.',
  'verify.sending': 'Revisando…',
  'verify.done.facts': 'Identidad verificada hasta las {time}.',
  'verify.done.skipped': 'Verificación omitida ({reason}); vale hasta las {time}.',
};

export const en: Record<keyof typeof es, string> = {
  'verify.title': 'Verify who is calling',
  'verify.loading': 'Checking the verification…',
  'verify.error': 'We could not check the verification',
  'verify.intro':
    'Before seeing or changing membership {number}’s details, ask the caller for two facts. Do not read them out.',
  'verify.pair': 'Facts you ask for',
  'verify.pair.card': 'Birth date and the card’s last 4',
  'verify.pair.number': 'Membership number and birth date',
  'verify.birthDate': 'Birth date',
  'verify.birthDateHint': 'The titular’s or a beneficiary’s.',
  'verify.cardLast4': 'Card’s last 4 digits',
  'verify.number': 'Membership number',
  'verify.numberHint': 'For example LM-26-000123.',
  'verify.submit': 'Verify',
  'verify.skip': 'Skip',
  'verify.skipReason': 'Reason to skip the check',
  'verify.skipHint': 'It goes on the audit log. For example: a medical emergency, the caller cannot speak.',
  'verify.skipSubmit': 'Skip and see details',
  'verify.skipBack': 'Back to the check',
  'verify.skipShort': 'Write the reason (5 letters at least).',
  'verify.missing': 'Enter both facts.',
  'verify.attemptsLeft': 'Attempts left: {count}.',
  'verify.sending': 'Checking…',
  'verify.done.facts': 'Identity verified until {time}.',
  'verify.done.skipped': 'Check skipped ({reason}); valid until {time}.',
};
