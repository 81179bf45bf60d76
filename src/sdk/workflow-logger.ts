// ctx.log: a logger that is safe in workflow code. Silent while old history replays, so each line is written
// once per real execution, and every line carries the instance's fields.

/** The engine logger's shape (runtime/logger's Logger; pino fits): the SDK names it without importing the runtime. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

type LogMethod = {
  (msg: string): void;
  (obj: object, msg?: string): void;
};

export interface WorkflowLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

export interface WorkflowLogSource {
  readonly isReplaying: boolean;
  readonly instanceId: string;
  readonly executionId: string;
  readonly name: string;
}

export function workflowLogger(logger: Logger, source: WorkflowLogSource): WorkflowLogger {
  const method =
    (level: keyof Logger): LogMethod =>
    (objOrMsg: object | string, msg?: string) => {
      if (source.isReplaying) return;
      const fields = { instanceId: source.instanceId, executionId: source.executionId, workflow: source.name };
      if (typeof objOrMsg === 'string') logger[level](fields, objOrMsg);
      else logger[level]({ ...fields, ...objOrMsg }, msg);
    };
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}

/** A logger that drops everything: the default where no engine logger is given (e.g. unit replays). */
export const silentLogger: Logger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });
