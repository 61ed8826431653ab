/** The staff apps' strings for the agent area (keys start with `agent.`). */
export const es = {};

export const en: Record<keyof typeof es, string> = {};
