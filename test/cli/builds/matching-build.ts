// A build of the CLI fixture's workflows unchanged: every open instance replays.
export { WORKFLOWS as workflows, ACTIVITIES as activities } from '../cli-fixture.js';
