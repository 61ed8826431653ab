import { describe, expect, it } from 'vitest';
import { contentSecurityDirectives } from './content-security.ts';

describe('contentSecurityDirectives', () => {
  it('keeps every fetch on this origin when there is no map', () => {
    const directives = contentSecurityDirectives({ styleUrl: undefined, connectSrc: [] });
    expect(directives.connectSrc).toBeUndefined();
    expect(directives.imgSrc).toEqual(["'self'", 'data:']);
  });

  it("opens connect-src to the style's origin and the configured ones, once each", () => {
    const directives = contentSecurityDirectives({
      styleUrl: 'https://mapas.libra.mx/styles/libra.json?v=2',
      connectSrc: ['https://tiles.libra.mx', 'https://mapas.libra.mx'],
    });
    expect(directives.connectSrc).toEqual(["'self'", 'https://mapas.libra.mx', 'https://tiles.libra.mx']);
    expect(directives.imgSrc).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives.defaultSrc).toEqual(["'self'"]);
  });
});
