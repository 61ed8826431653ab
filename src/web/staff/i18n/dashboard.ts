/** The staff apps' strings for the dashboard area (keys start with `dashboard.`). */
export const es = {};

export const en: Record<keyof typeof es, string> = {};
