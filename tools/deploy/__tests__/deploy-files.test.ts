import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promtool } from '@tenantry/testing';
import { REPO_ROOT } from '@tenantry/launch/services';

const DEPLOY = join(REPO_ROOT, 'deploy');

/** Every `tenantry_*` metric name the code spells out as a string (`name: 'tenantry_…'`, …) in apps/ and libs/. */
function definedMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry === '__tests__' || entry === 'testing') continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/'(tenantry_[a-z0-9_]+)'/g)) names.add(match[1]);
      }
    }
  };
  walk(join(REPO_ROOT, 'apps'));
  walk(join(REPO_ROOT, 'libs'));
  return names;
}

/** Metric names an expression uses, histogram series mapped back to their histogram. */
function usedMetrics(text: string): Set<string> {
  return new Set([...text.matchAll(/tenantry_[a-z0-9_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, '')));
}

// The alert rules, the scrape config and the dashboard under deploy/ (README "Monitoring").
describe('deploy/', () => {
  it('the alert rules pass their promtool unit tests', async () => {
    const { stdout } = await promtool(['test', 'rules', 'alerts.test.yml'], { cwd: join(DEPLOY, 'prometheus') });
    expect(stdout).toContain('SUCCESS');
  });

  it('prometheus.yml is a valid configuration that loads the rules', async () => {
    const { stdout } = await promtool(['check', 'config', 'prometheus.yml'], { cwd: join(DEPLOY, 'prometheus') });
    expect(stdout).toMatch(/SUCCESS: 6 rules found/);
  });

  it('the rules and the dashboard use only metrics the services define', () => {
    const defined = definedMetrics();
    const rules = readFileSync(join(DEPLOY, 'prometheus/alerts.yml'), 'utf8');
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/tenantry-dashboard.json'), 'utf8')) as {
      panels: { type: string; targets?: { expr: string }[] }[];
    };
    const expressions = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
    expect(expressions.length).toBeGreaterThan(15);
    const unknown = [...usedMetrics(rules), ...usedMetrics(expressions.join('\n'))].filter((name) => !defined.has(name));
    expect(unknown).toEqual([]);
  });
});
