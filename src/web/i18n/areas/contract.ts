/** Contracting online (`/contratar`). */
export const es = {
  'contract.heading': 'Contratar en línea',
  'contract.soon': 'Muy pronto podrás contratar {name} aquí, en unos minutos.',
  'contract.meanwhile': 'Mientras tanto, contrátalo por teléfono al {phone}.',
  'contract.back': 'Volver al plan',
};

export const en: Record<keyof typeof es, string> = {
  'contract.heading': 'Sign up online',
  'contract.soon': 'Soon you will be able to sign up for {name} here, in a few minutes.',
  'contract.meanwhile': 'In the meantime, sign up by phone on {phone}.',
  'contract.back': 'Back to the plan',
};
