import 'maplibre-gl/dist/maplibre-gl.css';
import {
  AttributionControl,
  LngLatBounds,
  MapLibreMap,
  Marker,
  NavigationControl,
  setWorkerUrl,
} from 'maplibre-gl';
// The worker as a hashed file of our own build: same origin, so the CSP's script-src 'self' holds.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { MapPlace, MapProvider } from './CaseMap.tsx';

setWorkerUrl(workerUrl);

/** A style that has not loaded by then is not coming: the note replaces the map. */
const STYLE_WAIT_MS = 30_000;
/**
 * How close the map comes to the place: no closer than its point is known (a point known to a
 * postal code's area shows the area, not a street corner).
 */
const ZOOM_BY_PRECISION: Record<string, number> = {
  exact: 16,
  street: 15,
  postal_code: 13,
  municipality: 11,
  state: 7,
};
const ZOOM = 15;
const zoomOf = (place: MapPlace) => ZOOM_BY_PRECISION[place.precision ?? ''] ?? ZOOM;

export interface MapCanvasProps {
  styleUrl: string;
  attribution: string | null;
  place: MapPlace;
  provider: MapProvider | null;
  onPlaceDragged?: (point: { lat: number; lng: number }) => Promise<boolean>;
  onFailed: () => void;
  words: {
    name: string;
    place: string;
    provider: string;
    zoomIn: string;
    zoomOut: string;
    attribution: string;
    twoFingers: string;
    ctrlScroll: string;
    cmdScroll: string;
  };
}

/**
 * The MapLibre map itself (this module is the lazy chunk, with MapLibre and its CSS): the style,
 * the place's pin (draggable where the page allows it), the provider's pin, both in view, and the
 * style's attribution always shown expanded, as the data's licences ask.
 */
export default function MapCanvas(props: MapCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const map = useRef<MapLibreMap | null>(null);
  const placePin = useRef<Marker | null>(null);
  const providerPin = useRef<Marker | null>(null);

  // The map, once (the parent makes a new one for another language).
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const { styleUrl, attribution, place, words, onPlaceDragged } = latest.current;
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      latest.current.onFailed();
    };
    let instance: MapLibreMap;
    try {
      instance = new MapLibreMap({
        container: element,
        style: styleUrl,
        center: [place.lng, place.lat],
        zoom: zoomOf(place),
        attributionControl: false,
        // A map inside a page that scrolls: one finger (or the wheel) scrolls the page.
        cooperativeGestures: true,
        locale: {
          'Map.Title': words.name,
          'Marker.Title': words.place,
          'NavigationControl.ZoomIn': words.zoomIn,
          'NavigationControl.ZoomOut': words.zoomOut,
          'AttributionControl.ToggleAttribution': words.attribution,
          'CooperativeGesturesHandler.WindowsHelpText': words.ctrlScroll,
          'CooperativeGesturesHandler.MacHelpText': words.cmdScroll,
          'CooperativeGesturesHandler.MobileHelpText': words.twoFingers,
        },
      });
    } catch {
      // No WebGL, or MapLibre refused the options: no map, the note.
      fail();
      return;
    }
    map.current = instance;

    // Only the style matters: a missing tile later is a blank square, not a broken map.
    let styleLoaded = false;
    const waiting = setTimeout(fail, STYLE_WAIT_MS);
    instance.on('style.load', () => {
      styleLoaded = true;
      clearTimeout(waiting);
    });
    instance.on('error', () => {
      if (!styleLoaded) fail();
    });
    instance.on('webglcontextlost', fail);

    instance.addControl(
      new AttributionControl({
        compact: false,
        customAttribution: attribution ? [escapeHtml(attribution)] : undefined,
      }),
    );
    instance.addControl(new NavigationControl({ showCompass: false }), 'top-right');

    const colours = getComputedStyle(document.documentElement);
    const pin = new Marker({
      color: colours.getPropertyValue('--color-alert').trim() || '#a8440c',
      draggable: onPlaceDragged !== undefined,
      className: 'case-map-place',
    });
    pin.getElement().setAttribute('aria-label', words.place);
    pin.getElement().title = words.place;
    pin.setLngLat([place.lng, place.lat]).addTo(instance);
    const ask = async () => {
      const moved = pin.getLngLat();
      const keep = (await latest.current.onPlaceDragged?.({ lat: moved.lat, lng: moved.lng })) ?? false;
      if (!keep) pin.setLngLat([latest.current.place.lng, latest.current.place.lat]);
    };
    // A pointer's drag asks when it ends. The arrow keys move a focused pin a step at a time
    // (MapLibre ends a "drag" at each key): the question waits for Enter, and leaving the pin
    // without it puts the pin back.
    let byKeyboard = false;
    let keyboardMoved = false;
    const pinElement = pin.getElement();
    pinElement.addEventListener('keydown', (event) => {
      if (event.key.startsWith('Arrow')) byKeyboard = true;
      if (event.key === 'Enter' && keyboardMoved) {
        // Else the Enter, once the question has the focus, would answer it at once.
        event.preventDefault();
        keyboardMoved = false;
        void ask();
      }
    });
    pinElement.addEventListener('pointerdown', () => {
      byKeyboard = false;
    });
    pinElement.addEventListener('blur', () => {
      if (!keyboardMoved) return;
      keyboardMoved = false;
      pin.setLngLat([latest.current.place.lng, latest.current.place.lat]);
    });
    pin.on('dragend', () => {
      if (byKeyboard) keyboardMoved = true;
      else void ask();
    });
    placePin.current = pin;

    return () => {
      clearTimeout(waiting);
      placePin.current = null;
      providerPin.current = null;
      map.current = null;
      instance.remove();
    };
  }, []);

  // The pins follow the case (a corrected place, the provider on the way); the view fits both
  // when the provider appears or the place moves, not at every position, so panning is kept.
  const { place, provider } = props;
  const hasProvider = provider !== null;
  const zoom = zoomOf(place);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the provider's moves do not re-frame the view (latest.current has them); its arrival does
  useEffect(() => {
    const instance = map.current;
    if (!instance) return;
    placePin.current?.setLngLat([place.lng, place.lat]);
    const current = latest.current.provider;
    if (!current) {
      instance.jumpTo({ center: [place.lng, place.lat], zoom });
      return;
    }
    const bounds = new LngLatBounds([place.lng, place.lat], [place.lng, place.lat]).extend([
      current.lng,
      current.lat,
    ]);
    // More room above: a pin stands on its point.
    instance.fitBounds(bounds, {
      padding: { top: 64, bottom: 32, left: 48, right: 48 },
      maxZoom: zoom,
      duration: 0,
    });
  }, [place.lat, place.lng, zoom, hasProvider]);

  const providerLat = provider?.lat;
  const providerLng = provider?.lng;
  const providerLabel = props.words.provider;
  useEffect(() => {
    const instance = map.current;
    if (!instance) return;
    if (providerLat === undefined || providerLng === undefined) {
      providerPin.current?.remove();
      providerPin.current = null;
      return;
    }
    let pin = providerPin.current;
    if (!pin) {
      const colours = getComputedStyle(document.documentElement);
      pin = new Marker({
        color: colours.getPropertyValue('--color-brand').trim() || '#0b3a75',
        className: 'case-map-provider',
      });
      providerPin.current = pin;
      pin.setLngLat([providerLng, providerLat]).addTo(instance);
    } else {
      pin.setLngLat([providerLng, providerLat]);
    }
    pin.getElement().setAttribute('aria-label', providerLabel);
    pin.getElement().title = providerLabel;
  }, [providerLat, providerLng, providerLabel]);

  return <div ref={container} className="case-map" data-testid="case-map" />;
}

/** MapLibre writes attributions as HTML; the operator's MAP_ATTRIBUTION is text. */
function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
