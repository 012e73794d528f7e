import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestScriptsProject } from '../../jest.preset.js';

// Checks of the root deploy/ folder (alert rules, scrape config, dashboard) with promtool.
export default jestScriptsProject(dirname(fileURLToPath(import.meta.url)), 'deploy-checks');
