/** The staff apps' strings for the queues area (keys start with `queues.`). */
export const es = {};

export const en: Record<keyof typeof es, string> = {};
