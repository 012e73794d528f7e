import fp from 'fastify-plugin';
import type { ControlOrm } from '@tenantry/control-db';

declare module 'fastify' {
  interface FastifyInstance {
    orm: ControlOrm;
  }
}

/** Makes the control database available as `app.orm`; the caller owns its lifecycle. */
export default fp<{ orm: ControlOrm }>(
  async (app, { orm }) => {
    app.decorate('orm', orm);
  },
  { name: 'tenantry-control-db' },
);
