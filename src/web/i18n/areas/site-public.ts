/**
 * The public site's header account link, the plans side by side on the plan page, the sandbox
 * notice on /contratar, and our own Terms and Conditions page (`/terminos`, from the program's
 * public page: SPEC.md and the seed).
 */
export const es = {
  'header.signIn': 'Entrar',
  'header.account': 'Mi cuenta',
  'header.nav': 'Tu cuenta',

  'plans.heading': 'Elige tu plan',
  'plans.intro': 'Los dos planes cubren a tu familia, sin plazo forzoso ni deducibles.',
  'plans.loading': 'Cargando los planes…',
  'plans.error': 'No pudimos cargar los planes. Recarga la página o llámanos al {phone}.',
  'plans.legal': 'Con asesoría legal 24 h',
  'plans.noLegal': 'Sin asesoría legal',
  'plans.illustrative': 'Precio y límites ilustrativos',
  'plans.choose': 'Contratar {name}',

  'sandbox.banner':
    'Modo de pruebas: los pagos no son reales. Usa solo tarjetas de prueba, por ejemplo 4242 4242 4242 4242.',

  'tyc.heading': 'Términos y Condiciones',
  'tyc.version': 'Versión {version}',
  'tyc.intro':
    'Estos son los términos del programa de asistencias Libra. Los aceptas al contratar; te pedimos aceptar cada versión nueva.',
  'tyc.program.heading': 'El programa',
  'tyc.program.body':
    'Libra es un servicio de asistencias, no un seguro: no tiene plazo forzoso, no firmas documentos para contratarlo y no hay deducibles ni copagos. El operador del programa responde de la calidad y el cumplimiento de las asistencias; la calidad, disponibilidad y precios de los productos y servicios de cada proveedor son responsabilidad del proveedor.',
  'tyc.who.heading': 'Quién está cubierto',
  'tyc.who.body':
    'El titular de la tarjeta de crédito o débito, su cónyuge, sus hijos menores de 21 años (hasta el día anterior a cumplirlos) y las tarjetas adicionales de la cuenta del titular. Las asistencias no son transferibles: nadie más puede usarlas.',
  'tyc.services.heading': 'Asistencias y límites',
  'tyc.services.body':
    'Cada plan tiene sus asistencias con un límite por año de membresía, que corre desde la fecha en que contrataste y se renueva en su aniversario. La página del plan muestra los límites vigentes. La asesoría legal es solo de Libra Plus.',
  'tyc.tow.body':
    'Grúa: cubierta hasta {cap} por evento. Lo que cueste de más (traslado carretero, casetas, abanderamiento, maniobras) lo pagas tú al proveedor, y lo aceptas antes de que salga la grúa. La ambulancia terrestre opera solo dentro de México.',
  'tyc.use.body':
    'Un servicio cuenta en tu límite cuando enviamos al proveedor; si cancelas antes de que llegue, no cuenta.',
  'tyc.charges.heading': 'Cobros',
  'tyc.charges.body':
    'El cargo es mensual: recurrente a tu tarjeta de crédito o por domiciliación a tu tarjeta de débito, el mismo día del mes en que contrataste (si ese día no existe, el último día del mes). Al contratar en línea, los dos primeros meses son sin costo. Para usar las asistencias tu pago debe estar al corriente.',
  'tyc.cancel.heading': 'Cancelación y reembolso',
  'tyc.cancel.body':
    'Cancelar no tiene costo y, una vez cancelado, no verás más cargos; la cobertura sigue hasta el final del periodo ya pagado. Si contrataste en línea puedes cancelar en línea; si no, llámanos al {phone} de lunes a viernes de 08:00 a 21:00 h y sábados de 09:00 a 17:00 h (desde el extranjero, opción 5, las 24 horas).',
  'tyc.refund.body':
    'Si no estás de acuerdo con estos términos, tienes 30 días naturales desde que contrataste para cancelar y pedir el reembolso de lo cobrado, siempre que no hayas usado ninguna asistencia; la cobertura termina en ese momento.',
  'tyc.complaints.heading': 'Quejas',
  'tyc.complaints.body':
    'Llámanos al {phone} las 24 horas, los 365 días del año, o escríbenos desde tu cuenta. Cada queja tiene un número y una fecha de respuesta.',
  'tyc.privacy.body': 'Cómo cuidamos tus datos está en el Aviso de Privacidad.',
  'tyc.privacy.link': 'Leer el Aviso de Privacidad',
};

export const en: Record<keyof typeof es, string> = {
  'header.signIn': 'Sign in',
  'header.account': 'My account',
  'header.nav': 'Your account',

  'plans.heading': 'Choose your plan',
  'plans.intro': 'Both plans cover your family, with no fixed term and no deductibles.',
  'plans.loading': 'Loading the plans…',
  'plans.error': 'We could not load the plans. Reload the page or call us at {phone}.',
  'plans.legal': 'With 24 h legal advice',
  'plans.noLegal': 'No legal advice',
  'plans.illustrative': 'Illustrative price and limits',
  'plans.choose': 'Sign up for {name}',

  'sandbox.banner': 'Test mode: payments are not real. Use test cards only, for example 4242 4242 4242 4242.',

  'tyc.heading': 'Terms and Conditions',
  'tyc.version': 'Version {version}',
  'tyc.intro':
    'These are the terms of the Libra assistance program. You accept them when you sign up; we ask you to accept each new version.',
  'tyc.program.heading': 'The program',
  'tyc.program.body':
    'Libra is an assistance service, not insurance: there is no fixed term, nothing to sign, and no deductibles or co-payments. The program’s operator answers for the quality and delivery of the services; the quality, availability and prices of each provider’s products and services are the provider’s responsibility.',
  'tyc.who.heading': 'Who is covered',
  'tyc.who.body':
    'The credit or debit cardholder, their spouse, their children under 21 (until the day before they turn 21) and the additional cardholders of the titular’s account. The services cannot be transferred: nobody else may use them.',
  'tyc.services.heading': 'Services and limits',
  'tyc.services.body':
    'Each plan has its services, each with a limit per membership year, which runs from the day you signed up and renews on its anniversary. The plan page shows the limits in force. Legal advice is Libra Plus only.',
  'tyc.tow.body':
    'Tow truck: covered up to {cap} per event. Anything beyond it (highway distance, tolls, flagging, manoeuvres) you pay the provider, and you accept it before the tow sets out. The land ambulance runs only inside Mexico.',
  'tyc.use.body':
    'A service counts against your limit when we send the provider; if you cancel before they arrive, it does not count.',
  'tyc.charges.heading': 'Charges',
  'tyc.charges.body':
    'The fee is monthly: a recurring charge to your credit card or a direct debit from your debit card, on the day of the month you signed up (if that day does not exist, the month’s last day). Signing up online, the first two months are free. To use the services your payments must be up to date.',
  'tyc.cancel.heading': 'Cancellation and refunds',
  'tyc.cancel.body':
    'Cancelling is free and, once cancelled, you will see no more charges; coverage goes on until the end of the period already paid. If you signed up online you can cancel online; otherwise call us at {phone}, Monday to Friday 08:00–21:00 and Saturday 09:00–17:00 (from abroad, option 5, 24 hours).',
  'tyc.refund.body':
    'If you do not agree with these terms, you have 30 calendar days from signing up to cancel and ask for what was charged back, as long as you have used no service; coverage then ends at once.',
  'tyc.complaints.heading': 'Complaints',
  'tyc.complaints.body':
    'Call us at {phone}, 24 hours a day, 365 days a year, or write to us from your account. Each complaint has a number and a date for its answer.',
  'tyc.privacy.body': 'How we look after your data is in the Privacy Notice.',
  'tyc.privacy.link': 'Read the Privacy Notice',
};
