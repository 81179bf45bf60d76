// A build that no longer has the holder workflow: its live instance would stall.
import { WORKFLOWS } from '../cli-fixture.js';

const { holder: _removed, ...rest } = WORKFLOWS;
export const workflows = rest;
