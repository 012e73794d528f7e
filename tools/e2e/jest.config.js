import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestScriptsProject } from '../../jest.preset.js';

export default jestScriptsProject(dirname(fileURLToPath(import.meta.url)), 'e2e');
