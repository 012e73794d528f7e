import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';

/** Whether anything accepts a TCP connection on host:port (a cheap check before asking Kafka). */
export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface ClusterInfo {
  clusterId: string;
  controller: number | null;
  brokers: Array<{ nodeId: number; host: string; port: number }>;
}

/** One real Kafka round trip: connect an admin client and describe the cluster. */
export async function describeCluster(brokers: string[], timeoutMs = 5000): Promise<ClusterInfo> {
  const kafka = new Kafka({
    clientId: 'tenantry-kafka-launcher',
    brokers,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface WaitOptions {
  brokers: string[];
  timeoutMs: number;
  /** Stop waiting early when the broker process has already died. */
  stillRunning?: () => boolean;
  logHint: string;
}

/** Polls until the broker answers a metadata request, or fails saying where to look. */
export async function waitUntilReady({
  brokers,
  timeoutMs,
  stillRunning,
  logHint,
}: WaitOptions): Promise<ClusterInfo> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (stillRunning && !stillRunning()) {
      throw new Error(`The Kafka broker exited during start-up. ${logHint}`);
    }
    try {
      return await describeCluster(brokers);
    } catch (error) {
      lastError = error;
    }
    await sleep(500);
  }
  const reason = lastError instanceof Error ? ` Last error: ${lastError.message}.` : '';
  throw new Error(
    `Kafka did not answer on ${brokers.join(',')} within ${timeoutMs / 1000} s.${reason} ${logHint}`,
  );
}
