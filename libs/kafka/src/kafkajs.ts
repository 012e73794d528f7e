// kafkajs is CommonJS and spreads its error classes into module.exports, so Node's ESM loader
// cannot see them all as named exports; take the values from the default export once, here.
// Types are imported straight from 'kafkajs' with `import type`.
import kafkajs from 'kafkajs';

export const { Kafka, logLevel, Partitioners } = kafkajs;
