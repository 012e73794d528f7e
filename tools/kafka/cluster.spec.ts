import { createServer } from 'node:net';
import { clusterMinIsr, ensureKafkaCluster, findFreePortBlock, kafkaCluster, stopKafkaCluster } from './cluster.ts';

describe('cluster launcher guards', () => {
  it('never treats the shared default instance as a cluster', async () => {
    await expect(ensureKafkaCluster({ instance: 'default', basePort: 40000 })).rejects.toThrow('own instance name');
    await expect(stopKafkaCluster({ instance: 'default' })).rejects.toThrow('Refusing');
  });

  it('says how to start a cluster that was never started', () => {
    expect(() => kafkaCluster('never-started-xyz')).toThrow('ensureKafkaCluster');
  });

  it('needs a majority of in-sync replicas on three nodes', () => {
    expect(clusterMinIsr(3)).toBe(2);
    expect(clusterMinIsr(1)).toBe(1);
  });
});

describe('findFreePortBlock', () => {
  it('returns a base whose following ports can all be bound', async () => {
    const base = await findFreePortBlock(6);
    for (let port = base; port < base + 6; port++) {
      await new Promise<void>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
      });
    }
  });
});
