import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Thrown when a program the launcher needs is not on PATH; the CLI turns it into exit code 2. */
export class MissingToolError extends Error {
  readonly tool: string;
  constructor(tool: string, hint: string) {
    super(`${tool} is not on PATH. ${hint}`);
    this.name = 'MissingToolError';
    this.tool = tool;
  }
}

const installHints: Record<string, string> = {
  java: 'Kafka 4 needs Java 17 or newer: sudo apt-get install -y openjdk-17-jre-headless',
  mvn: 'Maven fetches the Kafka jars: sudo apt-get install -y maven',
};

export function findOnPath(tool: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export function requireTool(tool: 'java' | 'mvn'): string {
  const found = findOnPath(tool);
  if (!found) throw new MissingToolError(tool, installHints[tool]);
  return found;
}
