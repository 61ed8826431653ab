import { Component, lazy, type ReactNode, Suspense, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { useWebConfig } from '../web-config.ts';
import './case-map.css';
import { type Precision, shownKm } from './precision.ts';

/** MapLibre and the canvas: a chunk of its own, downloaded only where a map is drawn. */
const MapCanvas = lazy(() => import('./MapCanvas.tsx'));

export interface MapPlace {
  lat: number;
  lng: number;
  address: string;
  /** How near the point is known to be (exact … state); null or absent: not stated. */
  precision?: string | null;
}

/** Points known only to an area: the map shows the area, and says the place is approximate. */
const COARSE = ['postal_code', 'municipality', 'state'];

export interface MapProvider {
  lat: number;
  lng: number;
  name: string;
}

export interface CaseMapProps {
  place: MapPlace;
  /** Where the provider is now; only where the reader may see it (staff; the customer once dispatched). */
  provider?: MapProvider | null;
  /** The provider's distance the page already shows (timeline), for the text alternative. */
  distanceKm?: number;
  /** Puts the map (or its note) in the page's own panel; called only when there is something. */
  frame: (content: ReactNode) => ReactNode;
  /**
   * Makes the place's pin draggable. Called with the new point when a drag ends; the pin stays
   * there if it resolves true, and goes back to the case's place otherwise.
   */
  onPlaceDragged?: (point: { lat: number; lng: number }) => Promise<boolean>;
  /** A line under the map, e.g. how to move the pin. */
  hint?: string;
}

/**
 * The case's place (and, for staff, the provider) on a map, where the operator configured a style
 * (MAP_STYLE_URL, read from GET /v1/web-config). Without a style this renders nothing at all — no
 * box, and MapLibre is never downloaded; the page's card keeps the distance and the ETA. If the
 * map cannot be drawn (the style does not load, no WebGL, the chunk fails), a quiet note takes its
 * place: never a broken canvas.
 */
export function CaseMap(props: CaseMapProps) {
  const { t, lang } = useI18n();
  const config = useWebConfig();
  const [failed, setFailed] = useState(false);
  const styleUrl = config.data?.mapStyleUrl;
  if (!styleUrl) return null;
  if (failed)
    return props.frame(
      <p className="case-map-note" data-testid="case-map-failed">
        {t('map.failed')}
      </p>,
    );

  // Never finer than the place's point (precision.ts): "3" for a postal code's, none for a state's.
  const shown =
    props.distanceKm === undefined ? null : shownKm(props.distanceKm, props.place.precision as Precision);
  const distance =
    shown === null
      ? undefined
      : `${shown.approximate ? '~' : ''}${new Intl.NumberFormat(lang === 'es' ? 'es-MX' : 'en-US', {
          maximumFractionDigits: 1,
        }).format(shown.km)}`;
  const alternative = [
    t('map.alt.place', { address: props.place.address }),
    COARSE.includes(props.place.precision ?? '') ? t('map.alt.approximate') : '',
    distance === undefined ? '' : t('map.alt.distance', { km: distance }),
  ]
    .filter(Boolean)
    .join(' ');

  return props.frame(
    <figure className="case-map-figure">
      <MapBoundary onError={() => setFailed(true)}>
        <Suspense
          fallback={
            <div className="case-map case-map-loading" role="status">
              {t('map.loading')}
            </div>
          }
        >
          <MapCanvas
            // A new language is a new map: MapLibre reads its controls' words once.
            key={lang}
            styleUrl={styleUrl}
            attribution={config.data?.mapAttribution ?? null}
            place={props.place}
            provider={props.provider ?? null}
            onPlaceDragged={props.onPlaceDragged}
            onFailed={() => setFailed(true)}
            words={{
              name: t('map.name'),
              place: t('map.place'),
              provider: props.provider ? t('map.provider', { name: props.provider.name }) : '',
              zoomIn: t('map.ui.zoomIn'),
              zoomOut: t('map.ui.zoomOut'),
              attribution: t('map.ui.attribution'),
              twoFingers: t('map.ui.twoFingers'),
              ctrlScroll: t('map.ui.ctrlScroll'),
              cmdScroll: t('map.ui.cmdScroll'),
            }}
          />
        </Suspense>
      </MapBoundary>
      <figcaption className="visually-hidden">{alternative}</figcaption>
      {props.hint && <p className="case-map-hint">{props.hint}</p>}
    </figure>,
  );
}

/** The map's chunk failing to download (or MapLibre throwing while drawing) ends in the note. */
class MapBoundary extends Component<{ onError: () => void; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch() {
    this.props.onError();
  }

  render() {
    return this.state.failed ? null : this.props.children;
  }
}
