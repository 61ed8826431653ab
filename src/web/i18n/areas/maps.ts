/**
 * The case map's own words (src/web/cases/CaseMap.tsx), shared by the portal and the console (the
 * staff apps read them through `tc`). MapLibre's controls speak through `map.ui.*`.
 */
export const es = {
  'map.heading': 'Mapa',
  'map.name': 'Mapa del lugar de la asistencia',
  'map.place': 'Lugar de la asistencia',
  'map.provider': 'Proveedor: {name}',
  'map.alt.place': 'Lugar: {address}.',
  'map.alt.approximate': 'Es una ubicación aproximada.',
  'map.alt.distance': 'El proveedor está a {km} km.',
  'map.loading': 'Cargando el mapa…',
  'map.failed': 'El mapa no está disponible por ahora.',
  'map.ui.zoomIn': 'Acercar',
  'map.ui.zoomOut': 'Alejar',
  'map.ui.attribution': 'Mostrar u ocultar los créditos del mapa',
  'map.ui.twoFingers': 'Usa dos dedos para mover el mapa',
  'map.ui.ctrlScroll': 'Usa Ctrl + rueda para acercar o alejar el mapa',
  'map.ui.cmdScroll': 'Usa ⌘ + rueda para acercar o alejar el mapa',
};

export const en: Record<keyof typeof es, string> = {
  'map.heading': 'Map',
  'map.name': 'Map of where help is needed',
  'map.place': 'Where help is needed',
  'map.provider': 'Provider: {name}',
  'map.alt.place': 'Place: {address}.',
  'map.alt.approximate': 'The location is approximate.',
  'map.alt.distance': 'The provider is {km} km away.',
  'map.loading': 'Loading the map…',
  'map.failed': 'The map is not available right now.',
  'map.ui.zoomIn': 'Zoom in',
  'map.ui.zoomOut': 'Zoom out',
  'map.ui.attribution': 'Show or hide the map credits',
  'map.ui.twoFingers': 'Use two fingers to move the map',
  'map.ui.ctrlScroll': 'Use Ctrl + scroll to zoom the map',
  'map.ui.cmdScroll': 'Use ⌘ + scroll to zoom the map',
};
