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
