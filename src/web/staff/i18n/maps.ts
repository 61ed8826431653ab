/**
 * The console's case map (keys `agent.map.`): its panel and correcting the case's place by
 * dragging its pin. The map's own words (controls, text alternative) are the customer
 * catalogue's `map.*`, shared through `tc`.
 */
export const es = {
  'agent.map.hint':
    'Arrastra el marcador del lugar para corregirlo. Con el teclado: enfócalo, muévelo con las flechas (Mayús para pasos largos) y pulsa Intro.',
  'agent.map.confirm.title': '¿Mover el lugar del caso aquí?',
  'agent.map.confirm.body': 'Nuevo punto: {lat}, {lng}. El caso tomará este punto como su lugar.',
  'agent.map.confirm.yes': 'Mover aquí',
  'agent.map.confirm.no': 'Dejarlo donde estaba',
  'agent.map.confirm.sending': 'Moviendo…',
};

export const en: Record<keyof typeof es, string> = {
  'agent.map.hint':
    "Drag the place's pin to correct it. With the keyboard: focus it, move it with the arrows (Shift for long steps) and press Enter.",
  'agent.map.confirm.title': "Move the case's place here?",
  'agent.map.confirm.body': 'New point: {lat}, {lng}. The case will take this point as its place.',
  'agent.map.confirm.yes': 'Move it here',
  'agent.map.confirm.no': 'Leave it where it was',
  'agent.map.confirm.sending': 'Moving…',
};
