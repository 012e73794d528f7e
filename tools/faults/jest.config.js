// The fault scenarios (__tests__/*.fault.ts) run only in `npm run test:faults` (jest.faults.config.js); the specs of their helpers run here.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestScriptsProject } from '../../jest.preset.js';

export default jestScriptsProject(dirname(fileURLToPath(import.meta.url)), 'faults');
