// Every scenario, in the order they run.
import { detached } from './detached.js';
import { fanout } from './fanout.js';
import { latency } from './latency.js';
import { longHistory } from './long-history.js';
import { memory } from './memory.js';
import { physicalLimit } from './physical-limit.js';
import type { Scenario } from './scenario.js';
import { throughput } from './throughput.js';
import { timers } from './timers.js';
import { timeSkipping } from './time-skipping.js';

export const SCENARIOS: readonly Scenario[] = [physicalLimit, throughput, latency, fanout, longHistory, detached, timers, timeSkipping, memory];
