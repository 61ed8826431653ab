import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new SQL migration into src/db/migrations from the schema diff.
// Migrations are committed and applied at start by `libra migrate` (and by `libra serve`).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './src/db/migrations',
});
