import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestProject } from '../../jest.preset.js';

export default jestProject(dirname(fileURLToPath(import.meta.url)), 'errors');
