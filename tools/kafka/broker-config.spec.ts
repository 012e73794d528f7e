import {
  brokerPorts,
  randomClusterId,
  renderLog4j2Properties,
  renderServerProperties,
} from './broker-config.ts';

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

describe('brokerPorts', () => {
  it('defaults to 9092 with the controller on the next port', () => {
    expect(brokerPorts({})).toEqual({ port: 9092, controllerPort: 9093 });
  });

  it('honours KAFKA_PORT, KAFKA_CONTROLLER_PORT and an explicit port', () => {
    expect(brokerPorts({ KAFKA_PORT: '19092' })).toEqual({ port: 19092, controllerPort: 19093 });
    expect(brokerPorts({ KAFKA_PORT: '19092', KAFKA_CONTROLLER_PORT: '29093' })).toEqual({
      port: 19092,
      controllerPort: 29093,
    });
    expect(brokerPorts({ KAFKA_PORT: '19092' }, 9500)).toEqual({ port: 9500, controllerPort: 9501 });
  });

  it('lets the controller port follow an explicit client port, ignoring KAFKA_CONTROLLER_PORT', () => {
    expect(brokerPorts({ KAFKA_CONTROLLER_PORT: '9093' }, 41000)).toEqual({ port: 41000, controllerPort: 41001 });
    expect(brokerPorts({}, 41000, 42000)).toEqual({ port: 41000, controllerPort: 42000 });
  });

  it('rejects a port that is not a port, naming the variable', () => {
    expect(() => brokerPorts({ KAFKA_PORT: 'abc' })).toThrow('KAFKA_PORT must be a TCP port');
    expect(() => brokerPorts({ KAFKA_CONTROLLER_PORT: '70000' })).toThrow('KAFKA_CONTROLLER_PORT');
  });
});

describe('renderServerProperties', () => {
  const props = parse(renderServerProperties({ port: 9092, controllerPort: 9093, logDirs: '/tmp/k' }));

  it('runs one combined KRaft node with a static single-voter quorum', () => {
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
      'controller.listener.names': 'CONTROLLER',
      'log.dirs': '/tmp/k',
    });
  });

  it('sizes internal topics for a single node and starts groups without delay', () => {
    expect(props).toMatchObject({
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'min.insync.replicas': '1',
      'group.initial.rebalance.delay.ms': '0',
    });
  });
});

describe('renderServerProperties for a node of a three-node cluster', () => {
  const props = parse(
    renderServerProperties({
      port: 9200,
      controllerPort: 9201,
      logDirs: '/tmp/k2',
      nodeId: 2,
      voters: '1@127.0.0.1:9199,2@127.0.0.1:9201,3@127.0.0.1:9203',
      replicationFactor: 3,
      minInsyncReplicas: 2,
    }),
  );

  it('names its own node id, every voter, and replicates everything three times with min ISR 2', () => {
    expect(props).toMatchObject({
      'node.id': '2',
      'controller.quorum.voters': '1@127.0.0.1:9199,2@127.0.0.1:9201,3@127.0.0.1:9203',
      listeners: 'PLAINTEXT://127.0.0.1:9200,CONTROLLER://127.0.0.1:9201',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'share.coordinator.state.topic.replication.factor': '3',
    });
  });
});

describe('renderLog4j2Properties', () => {
  it('logs to files under the logs dir and has no console appender', () => {
    const text = renderLog4j2Properties('/tmp/logs');
    expect(text).toContain('fileName = /tmp/logs/server.log');
    expect(text).not.toMatch(/type\s*=\s*Console/);
  });
});

describe('randomClusterId', () => {
  it('is 22 URL-safe base64 characters, never starting with a dash, and random', () => {
    const ids = Array.from({ length: 200 }, randomClusterId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
