/**
 * "Comparte tu ubicación" (`/ubicacion/:token`, keys start with `location.`): the one-time page an
 * agent texts to whoever is calling, which asks the phone for its position. It says nothing about
 * the case: the person may not be the titular, and the link may be forwarded.
 */
export const es = {
  'location.title': 'Comparte tu ubicación',
  'location.loading': 'Revisando tu enlace…',
  'location.intro':
    'Tu agente de Asistencia Libra Plus te envió este enlace para mandarte ayuda al lugar exacto donde estás.',
  'location.how': 'Toca el botón y, cuando tu teléfono lo pregunte, permite usar tu ubicación.',
  'location.expires': 'El enlace funciona una vez y caduca a las {time}.',
  'location.privacy': 'Solo usamos tu ubicación para esta asistencia.',
  'location.share': 'Compartir mi ubicación',
  'location.locating': 'Buscando tu ubicación…',
  'location.sending': 'Enviando tu ubicación…',
  'location.done.title': 'Listo: ya tenemos tu ubicación.',
  'location.done.body': 'Puedes cerrar esta página.',
  'location.done.coarse':
    'Tu teléfono dio una ubicación aproximada (a unos {distance}). Si puedes, dile a tu agente la dirección o una referencia.',
  'location.used.title': 'Ya recibimos tu ubicación',
  'location.used.body':
    'Este enlace ya se usó. Si necesitas cambiar tu ubicación, pide a tu agente un enlace nuevo.',
  'location.expired.title': 'Este enlace ya caducó',
  'location.expired.body': 'Pide a tu agente un enlace nuevo, o dile la dirección donde estás.',
  'location.invalid.title': 'Este enlace no es válido',
  'location.invalid.body':
    'Revisa que lo abriste completo desde el SMS. Si no funciona, pide a tu agente un enlace nuevo o dile la dirección donde estás.',
  'location.error.title': 'No pudimos revisar tu enlace',
  'location.denied.title': 'No diste permiso para usar tu ubicación',
  'location.denied.body':
    'Para permitirlo, toca el candado o el ícono junto a la dirección de esta página, busca Ubicación y elige Permitir; luego vuelve a tocar el botón. Si prefieres, dile a tu agente la dirección donde estás.',
  'location.unavailable.title': 'Tu teléfono no pudo saber dónde estás',
  'location.unavailable.body':
    'Activa la ubicación (GPS) de tu teléfono y, si puedes, sal a un lugar abierto; luego vuelve a intentarlo. O dile a tu agente la dirección donde estás.',
  'location.timeout.title': 'Tu teléfono tardó demasiado en encontrar tu ubicación',
  'location.timeout.body': 'Vuelve a intentarlo. Si no funciona, dile a tu agente la dirección donde estás.',
  'location.unsupported.title': 'Este navegador no puede compartir tu ubicación',
  'location.unsupported.body':
    'Abre el enlace en otro navegador, o dile a tu agente la dirección donde estás.',
  'location.sendFailed.title': 'No pudimos enviar tu ubicación',
  'location.retry': 'Intentar de nuevo',
} as const;

export const en: Record<keyof typeof es, string> = {
  'location.title': 'Share your location',
  'location.loading': 'Checking your link…',
  'location.intro':
    'Your Asistencia Libra Plus agent sent you this link so we can send help to exactly where you are.',
  'location.how': 'Tap the button and, when your phone asks, allow it to use your location.',
  'location.expires': 'The link works once and expires at {time}.',
  'location.privacy': 'We use your location for this assistance only.',
  'location.share': 'Share my location',
  'location.locating': 'Finding your location…',
  'location.sending': 'Sending your location…',
  'location.done.title': 'Done: we have your location.',
  'location.done.body': 'You can close this page.',
  'location.done.coarse':
    'Your phone gave an approximate location (within about {distance}). If you can, tell your agent the address or a landmark.',
  'location.used.title': 'We already have your location',
  'location.used.body': 'This link has been used. To change your location, ask your agent for a new link.',
  'location.expired.title': 'This link has expired',
  'location.expired.body': 'Ask your agent for a new link, or tell them the address where you are.',
  'location.invalid.title': 'This link is not valid',
  'location.invalid.body':
    'Check that you opened it whole from the SMS. If it still fails, ask your agent for a new link or tell them the address where you are.',
  'location.error.title': 'We could not check your link',
  'location.denied.title': 'You did not allow your location',
  'location.denied.body':
    'To allow it, tap the padlock or icon next to this page’s address, find Location and choose Allow; then tap the button again. Or tell your agent the address where you are.',
  'location.unavailable.title': 'Your phone could not tell where you are',
  'location.unavailable.body':
    'Turn on your phone’s location (GPS) and, if you can, step into the open; then try again. Or tell your agent the address where you are.',
  'location.timeout.title': 'Your phone took too long to find your location',
  'location.timeout.body': 'Try again. If it still fails, tell your agent the address where you are.',
  'location.unsupported.title': 'This browser cannot share your location',
  'location.unsupported.body':
    'Open the link in another browser, or tell your agent the address where you are.',
  'location.sendFailed.title': 'We could not send your location',
  'location.retry': 'Try again',
};
