// Types of dep-constraints.mjs (plain JavaScript, because eslint.config.mjs reads it) for the TypeScript that reads it too.
export interface DepConstraint {
  sourceTag: string;
  onlyDependOnLibsWithTags?: string[];
  notDependOnLibsWithTags?: string[];
  bannedExternalImports?: string[];
}
export const HTTP_SERVER_PACKAGES: string[];
export const depConstraints: DepConstraint[];
export const testDepConstraints: DepConstraint[];
export const testFiles: string[];
