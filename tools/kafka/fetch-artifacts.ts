import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './paths.ts';
import { requireTool } from './missing-tool.ts';

// Kafka itself logs through the slf4j 1.7 API, so the matching log4j2 binding is log4j-slf4j-impl
// (the one the Kafka distribution ships); the slf4j2 binding would find no provider and go silent.
const LOG4J_VERSION = '2.25.5';
const DEPENDENCY_PLUGIN_VERSION = '3.8.1';
const MARKER = '.complete';

export interface KafkaArtifacts {
  version: string;
  libDir: string;
  classpath: string;
  fetched: boolean;
}

/** A throwaway pom whose only job is to pull the broker and a log4j2 binding with all runtime deps. */
export function renderPom(version: string): string {
  const dep = (g: string, a: string, v: string) =>
    `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tenantry.local</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${dep('org.apache.kafka', 'kafka_2.13', version)}
${dep('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION)}
${dep('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION)}
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${DEPENDENCY_PLUGIN_VERSION}</version>
      </plugin>
    </plugins>
  </build>
</project>
`;
}

function jarsIn(libDir: string): string[] {
  return readdirSync(libDir)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => join(libDir, name));
}

/**
 * Makes sure the broker jars for `version` sit in `.cache/kafka/<version>/libs`. A marker file is
 * written only after Maven succeeded, so an interrupted fetch is redone rather than trusted.
 */
export function fetchKafkaArtifacts(
  version: string,
  log: (line: string) => void = console.log,
): KafkaArtifacts {
  const dir = cacheDir(version);
  const libDir = join(dir, 'libs');
  const marker = join(dir, MARKER);
  if (existsSync(marker) && existsSync(libDir)) {
    return { version, libDir, classpath: jarsIn(libDir).join(':'), fetched: false };
  }

  const mvn = requireTool('mvn');
  log(`Fetching Apache Kafka ${version} jars with Maven into ${dir} (first run only)...`);
  rmSync(libDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), renderPom(version));
  const started = Date.now();
  const result = spawnSync(
    mvn,
    [
      '-B',
      '-q',
      '-f',
      join(dir, 'pom.xml'),
      `org.apache.maven.plugins:maven-dependency-plugin:${DEPENDENCY_PLUGIN_VERSION}:copy-dependencies`,
      `-DoutputDirectory=${libDir}`,
      '-DincludeScope=runtime',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(
      `Maven could not fetch Apache Kafka ${version} (exit ${result.status ?? result.signal}). ` +
        `Check that Maven Central is reachable, or set KAFKA_VERSION to a served 4.x release.\n${output}`,
    );
  }
  const jars = jarsIn(libDir);
  if (!jars.some((jar) => /\/kafka_2\.13-.*\.jar$/.test(jar))) {
    throw new Error(`Maven finished but no kafka_2.13 jar is in ${libDir}; delete ${dir} and retry.`);
  }
  writeFileSync(marker, `${jars.map((jar) => jar.slice(libDir.length + 1)).join('\n')}\n`);
  log(`Fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { version, libDir, classpath: jars.join(':'), fetched: true };
}

/** Jars recorded by a finished fetch, or undefined when nothing usable is cached. */
export function cachedJarList(version: string): string[] | undefined {
  const marker = join(cacheDir(version), MARKER);
  if (!existsSync(marker)) return undefined;
  return readFileSync(marker, 'utf8').split('\n').filter(Boolean);
}
