/**
 * The Content-Security-Policy's directives (helmet fills in the rest of its defaults). Pages load
 * only this origin's scripts, styles and data; a configured map (MAP_STYLE_URL) opens `connect-src`
 * to its style's origin and the origins its tiles, glyphs and sprites come from (MAP_CONNECT_SRC),
 * and `img-src` to `blob:`, where MapLibre decodes images it fetched. Without a map nothing opens.
 */
export function contentSecurityDirectives(map: {
  styleUrl: string | undefined;
  connectSrc: readonly string[];
}): Record<string, string[]> {
  const directives: Record<string, string[]> = {
    defaultSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    styleSrc: ["'self'", "'unsafe-inline'"],
  };
  if (map.styleUrl === undefined) return directives;
  const origins = [new URL(map.styleUrl).origin, ...map.connectSrc];
  return {
    ...directives,
    connectSrc: ["'self'", ...new Set(origins)],
    imgSrc: [...(directives.imgSrc ?? []), 'blob:'],
  };
}
