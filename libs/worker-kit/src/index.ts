export { defineSubscriber } from './subscriber.ts';
export type { Subscriber } from './subscriber.ts';
export { routeEvents } from './event-router.ts';
export { consumeTenantEvents } from './tenant-events-consumer.ts';
export type { TenantEventWorkerDeps } from './tenant-events-consumer.ts';
export { runWorkerProcess } from './worker-process.ts';
export type { StartedWorker, WorkerProcessOptions, WorkerProcessRuntime, WorkerStartContext } from './worker-process.ts';
export type { WorkerResources } from './worker-resources.ts';
