// The "May import" sentence of each project's README, written from the same depConstraints lint
// enforces, so a README cannot promise an arrow the linter refuses (or forget one it allows).
import { depConstraints } from './dep-constraints.mjs';

const code = (items: readonly string[]) => items.map((item) => `\`${item}\``).join(', ');

/** The README line for a project with these Nx tags. */
export function mayImportLine(tags: readonly string[]): string {
  const rules = depConstraints.filter((c) => tags.includes(c.sourceTag));
  const parts: string[] = [];
  for (const rule of rules) {
    if (rule.onlyDependOnLibsWithTags) {
      parts.push(
        rule.onlyDependOnLibsWithTags.length === 0
          ? 'no project of ours'
          : `only projects tagged ${code(rule.onlyDependOnLibsWithTags)}`,
      );
    }
    if (rule.notDependOnLibsWithTags) parts.push(`no project tagged ${code(rule.notDependOnLibsWithTags)}`);
    if (rule.bannedExternalImports) parts.push(`no ${code(rule.bannedExternalImports)} package`);
  }
  const what = parts.length > 0 ? parts.join('; ') : 'any project';
  return `**May import** (tags ${code(tags)}, enforced by \`npm run lint\`): ${what}.`;
}
