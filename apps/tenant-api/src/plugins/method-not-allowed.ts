import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route serves at this path (empty when no route has the path at all). */
    allowedMethods: (path: string) => string[];
  }
}

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/v1/tenants/:id/` → a regular expression for the concrete paths it serves (trailing slash optional). */
function patternOf(url: string): RegExp {
  const escaped = url
    .replace(/\/$/, '')
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * Collects every route as it is added, so the not-found handler can tell a path nobody serves
 * (404) from a known path asked with a method it does not take (405 with `Allow`, RFC 9110 §15.5.6).
 */
export default fp(
  async (app) => {
    const known = new Map<string, KnownPath>();
    let optionsEverywhere = false;
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat().map((method) => method.toUpperCase());
      if (route.url.includes('*')) {
        // @fastify/cors answers preflights with one wildcard OPTIONS route.
        optionsEverywhere ||= methods.includes('OPTIONS');
        return;
      }
      const key = route.url.replace(/\/$/, '') || '/';
      const entry = known.get(key) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
      for (const method of methods) entry.methods.add(method);
      known.set(key, entry);
    });
    app.decorate('allowedMethods', (path: string) => {
      const methods = new Set<string>();
      for (const entry of known.values()) if (entry.pattern.test(path)) for (const method of entry.methods) methods.add(method);
      if (methods.size > 0 && optionsEverywhere) methods.add('OPTIONS');
      return [...methods].sort();
    });
  },
  { name: 'tenantry-method-not-allowed' },
);
