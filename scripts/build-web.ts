/** `npm run build`: the customer web and the plan page's server render (src/platform/web-build.ts). */
import { buildWeb } from '../src/platform/web-build.ts';

await buildWeb();
