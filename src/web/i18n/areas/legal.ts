/** The privacy notice (`/aviso-de-privacidad`), LFPDPPP: what is collected, why, and ARCO rights. */
export const es = {
  'privacy.heading': 'Aviso de Privacidad',
  'privacy.version': 'Versión {version}',
  'privacy.who.heading': 'Quién cuida tus datos',
  'privacy.who.body':
    'El operador del programa Asistencia Libra Plus es responsable de tus datos personales, conforme a la Ley Federal de Protección de Datos Personales en Posesión de los Particulares (LFPDPPP).',
  'privacy.what.heading': 'Qué datos usamos',
  'privacy.what.body':
    'Tu nombre, correo, celular, fecha de nacimiento y, si nos los das, tu RFC y CURP; los de las personas que cubres; el lugar donde pides una asistencia; y de tu tarjeta solo la marca, el tipo y los últimos 4 dígitos. Nunca guardamos el número de tu tarjeta: lo guarda el procesador de pagos.',
  'privacy.health.body':
    'En una asistencia médica, lo que cuentes sobre tu salud es un dato sensible: lo leen solo el médico o la enfermera que te atiende y su supervisión médica.',
  'privacy.why.heading': 'Para qué',
  'privacy.why.body':
    'Para contratar y cobrar tu membresía, saber quién está cubierto, darte las asistencias, enviar al proveedor más cercano, atender tus quejas y cumplir la ley. No usamos tus datos para publicidad.',
  'privacy.share.heading': 'Con quién los compartimos',
  'privacy.share.body':
    'Con el proveedor que te atiende (tu nombre, el lugar y lo que necesitas), con el banco que te ofreció el programa y cobra el cargo, y con autoridades cuando la ley lo pide.',
  'privacy.arco.heading': 'Tus derechos ARCO',
  'privacy.arco.body':
    'Puedes pedir acceder a tus datos, corregirlos, cancelarlos u oponerte a su uso. Llámanos al {phone} o escríbenos desde tu cuenta; te respondemos en un máximo de 20 días hábiles.',
  'privacy.cookies.heading': 'Cookies',
  'privacy.cookies.body':
    'Usamos una sola cookie, la de tu sesión, para saber que eres tú. También recordamos el idioma que elegiste en tu navegador.',
  'privacy.changes.body':
    'Si este aviso cambia, publicamos aquí la nueva versión y te la pedimos al contratar.',
};

export const en: Record<keyof typeof es, string> = {
  'privacy.heading': 'Privacy Notice',
  'privacy.version': 'Version {version}',
  'privacy.who.heading': 'Who looks after your data',
  'privacy.who.body':
    "The operator of the Libra Plus Assistance programme is responsible for your personal data, under Mexico's Federal Law on the Protection of Personal Data Held by Private Parties (LFPDPPP).",
  'privacy.what.heading': 'What data we use',
  'privacy.what.body':
    'Your name, email, mobile phone, date of birth and, if you give them, your RFC and CURP; those of the people you cover; the place where you ask for assistance; and of your card only its brand, type and last 4 digits. We never keep your card number: the payment processor does.',
  'privacy.health.body':
    'In medical assistance, what you tell us about your health is sensitive data: only the doctor or nurse who sees you and their medical supervisors read it.',
  'privacy.why.heading': 'What for',
  'privacy.why.body':
    'To contract and charge your membership, know who is covered, give you assistance, send the nearest provider, handle your complaints and comply with the law. We do not use your data for advertising.',
  'privacy.share.heading': 'Who we share it with',
  'privacy.share.body':
    'With the provider who helps you (your name, the place and what you need), with the bank that offered you the programme and collects the charge, and with authorities when the law requires it.',
  'privacy.arco.heading': 'Your ARCO rights',
  'privacy.arco.body':
    'You can ask to access your data, correct it, cancel it or oppose its use. Call us on {phone} or write to us from your account; we answer within 20 business days at most.',
  'privacy.cookies.heading': 'Cookies',
  'privacy.cookies.body':
    'We use a single cookie, your session, to know it is you. Your browser also remembers the language you chose.',
  'privacy.changes.body':
    'If this notice changes, we publish the new version here and ask you to accept it when contracting.',
};
