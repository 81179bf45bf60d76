// The queries that find the next lockable work for the names a worker serves. The ready indexes lead with
// the name, so a lock is one seek per name the worker runs: work for names it lacks is never read, however
// much of it waits (a deploy in progress). A lock without names (a worker that runs anything) enumerates
// the names present in the index first, with one seek per distinct name.
import type { Statements } from './statements.js';

/** A ready index: the table, the index and the terms that select its partial rows. */
interface ReadyIndex {
  table: string;
  index: string;
  /** Implies the index's WHERE, so SQLite can use it. */
  partial: string;
  /** The column that orders the work by how long it has been due. */
  due: string;
  /** Row key returned for the candidate. */
  key: string;
  /** Extra terms a candidate must meet. */
  extra: string;
}

const STARTED: ReadyIndex = {
  table: 'instances',
  index: 'instances_ready_started',
  partial: `next_visible_at IS NOT NULL AND runtime_status <> 'PENDING'`,
  due: 'next_visible_at',
  key: 'rowid',
  extra: '(lock_expires_at IS NULL OR lock_expires_at <= @now)',
};

const FRESH: ReadyIndex = { ...STARTED, index: 'instances_ready_new', partial: `next_visible_at IS NOT NULL AND runtime_status = 'PENDING'` };

const TASKS: ReadyIndex = { table: 'activity_tasks', index: 'activity_tasks_ready', partial: '1', due: 'available_at', key: 'id', extra: '1' };

/** The worker's names as the @names parameter; undefined selects every name present. */
export function namesParam(names: readonly string[] | undefined): string | undefined {
  return names === undefined ? undefined : JSON.stringify(names);
}

/** The distinct names of an index: a loose index scan, one seek per name. */
function everyName(r: ReadyIndex): string {
  const from = `FROM ${r.table} INDEXED BY ${r.index} WHERE ${r.partial}`;
  return `WITH RECURSIVE n(value) AS (
      SELECT (SELECT name ${from} ORDER BY name LIMIT 1)
      UNION ALL SELECT (SELECT name ${from} AND name > n.value ORDER BY name LIMIT 1) FROM n WHERE n.value IS NOT NULL)
    SELECT value FROM n WHERE value IS NOT NULL`;
}

/** The key of the longest-due row of each name, due by @now. */
function duePerName(r: ReadyIndex, anyName: boolean): string {
  const names = anyName ? everyName(r) : 'SELECT value FROM json_each(@names)';
  return `SELECT (SELECT ${r.key} FROM ${r.table} INDEXED BY ${r.index}
      WHERE name = n.value AND ${r.partial} AND ${r.due} <= @now AND ${r.extra} ORDER BY ${r.due} LIMIT 1)
    FROM (${names}) n`;
}

/**
 * The next instance to lock: started instances first, then new ones (PENDING), each oldest-due first. A
 * backlog of new starts must not make the timers and activity results of running workflows late, and
 * finishing started work first keeps a busy engine admitting only what it can run. UNION ALL with LIMIT 1
 * reads the second index only when the first has nothing due. Parameters: @now, and @names unless anyName.
 */
export function workflowCandidateSql(anyName: boolean): string {
  const pick = (r: ReadyIndex) =>
    `SELECT * FROM (SELECT instance_id, history_length, execution_id, runtime_status FROM instances
       WHERE rowid IN (${duePerName(r, anyName)}) ORDER BY next_visible_at LIMIT 1)`;
  return `${pick(STARTED)} UNION ALL ${pick(FRESH)} LIMIT 1`;
}

/** The next activity task to lock, oldest-available first. Parameters as workflowCandidateSql. */
export function activityCandidateSql(anyName: boolean): string {
  return `SELECT id, instance_id, event, dequeue_count FROM activity_tasks
    WHERE id IN (${duePerName(TASKS, anyName)}) ORDER BY available_at LIMIT 1`;
}

/** Binds the parameters of a candidate query. */
export function readyParams(now: number, names: string | undefined): Record<string, unknown> {
  return names === undefined ? { now } : { now, names };
}

/**
 * Up to this many names, a lock runs one index seek per name from JavaScript (about a microsecond each inside
 * the lock's transaction) and keeps the longest-due; the single statement over json_each, with its temporary
 * sort, measured many times slower for the usual handful of names and made the name-aware lock the largest
 * cost of a turn. Beyond it, one statement is cheaper than many calls.
 */
const MAX_SEEKS = 16;

const sqlCache = new Map<string, string>();
function cached(key: string, build: () => string): string {
  let sql = sqlCache.get(key);
  if (sql === undefined) sqlCache.set(key, (sql = build()));
  return sql;
}

/** The longest-due row of one name in an index; `rank` orders the two workflow indexes. */
function seekOne(r: ReadyIndex, columns: string, rank: number): string {
  return `SELECT * FROM (SELECT ${columns}, ${r.due} AS due, ${rank} AS rank, ${r.key} AS seq FROM ${r.table} INDEXED BY ${r.index}
    WHERE name = @name AND ${r.partial} AND ${r.due} <= @now AND ${r.extra} ORDER BY ${r.due} LIMIT 1)`;
}

const WORKFLOW_COLUMNS = 'instance_id, history_length, execution_id, runtime_status';
const TASK_COLUMNS = 'id, instance_id, event, dequeue_count';

interface Ranked {
  due: number;
  rank: number;
  /** The row key: equally due rows go in the order they were written. */
  seq: number;
}

/** The best row over the names: lowest rank (started before new), then longest due, then oldest row. */
function bestPerName<T extends Ranked>(sql: Statements, seekSql: string, now: number, names: readonly string[]): T | undefined {
  const seek = sql.get(seekSql);
  let best: T | undefined;
  for (const name of names) {
    const row = seek.get({ now, name }) as T | undefined;
    if (row && (!best || before(row, best))) best = row;
  }
  return best;
}

function before(a: Ranked, b: Ranked): boolean {
  return a.rank !== b.rank ? a.rank < b.rank : a.due !== b.due ? a.due < b.due : a.seq < b.seq;
}

/** The next workflow instance to lock for a worker serving `names` (undefined: every name), as workflowCandidateSql. */
export function nextWorkflowCandidate<T>(sql: Statements, now: number, names: readonly string[] | undefined): T | undefined {
  if (names !== undefined && names.length <= MAX_SEEKS) {
    const seekSql = cached('workflow-seek', () => `${seekOne(STARTED, WORKFLOW_COLUMNS, 0)} UNION ALL ${seekOne(FRESH, WORKFLOW_COLUMNS, 1)} LIMIT 1`);
    return bestPerName<Ranked & T>(sql, seekSql, now, names);
  }
  const anyName = names === undefined;
  return sql.get(cached(`workflow-${anyName}`, () => workflowCandidateSql(anyName))).get(readyParams(now, namesParam(names))) as T | undefined;
}

/** The next activity task to lock for a worker serving `names` (undefined: every name), as activityCandidateSql. */
export function nextActivityCandidate<T>(sql: Statements, now: number, names: readonly string[] | undefined): T | undefined {
  if (names !== undefined && names.length <= MAX_SEEKS) {
    return bestPerName<Ranked & T>(sql, cached('task-seek', () => seekOne(TASKS, TASK_COLUMNS, 0)), now, names);
  }
  const anyName = names === undefined;
  return sql.get(cached(`task-${anyName}`, () => activityCandidateSql(anyName))).get(readyParams(now, namesParam(names))) as T | undefined;
}
