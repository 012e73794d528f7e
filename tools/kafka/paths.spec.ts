import { join } from 'node:path';
import { assertInstanceName, clusterNodePaths, instancePaths, paths, repoRoot } from './paths.ts';

describe('instancePaths', () => {
  it('keeps the default instance in .data/kafka, exactly as before', () => {
    expect(instancePaths()).toEqual(paths);
    expect(paths.root).toBe(join(repoRoot, '.data', 'kafka'));
    expect(paths.serverProperties).toBe(join(repoRoot, '.data', 'kafka', 'server.properties'));
    expect(paths.pidFile).toBe(join(repoRoot, '.data', 'kafka', 'kafka.pid'));
    expect(paths.lockFile).toBe(join(repoRoot, '.data', 'kafka', 'launcher.lock'));
  });

  it('gives every other instance its own directory for data, logs, pid, lock and config', () => {
    const other = instancePaths('outage-1a2b');
    const root = join(repoRoot, '.data', 'kafka-outage-1a2b');
    expect(other).toEqual({
      root,
      logDirs: join(root, 'data'),
      logsDir: join(root, 'logs'),
      serverLog: join(root, 'logs', 'server.log'),
      consoleLog: join(root, 'logs', 'console.log'),
      serverProperties: join(root, 'server.properties'),
      log4jConfig: join(root, 'log4j2.properties'),
      pidFile: join(root, 'kafka.pid'),
      lockFile: join(root, 'launcher.lock'),
    });
  });

  it('puts cluster nodes below the instance, sharing one lock', () => {
    const node = clusterNodePaths('faults', 3);
    expect(node.root).toBe(join(repoRoot, '.data', 'kafka-faults', 'node-3'));
    expect(node.serverProperties).toBe(join(repoRoot, '.data', 'kafka-faults', 'node-3', 'server.properties'));
    expect(node.lockFile).toBe(join(repoRoot, '.data', 'kafka-faults', 'launcher.lock'));
  });

  it('refuses instance names that are not plain directory names', () => {
    for (const bad of ['', '../etc', 'a/b', 'UPPER', '-dash', 'x'.repeat(49)]) {
      expect(() => assertInstanceName(bad)).toThrow('is not valid');
    }
    expect(assertInstanceName('outage-0')).toBe('outage-0');
  });
});
