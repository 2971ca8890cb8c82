/**
 * Personal data never reaches the logs: 12-digit personal ID numbers (and 9-digit old IDs) in URLs
 * and messages are masked to their first 3 and last 2 digits.
 */
const ID_RUN = /(?<!\d)(\d{3})\d{4,7}(\d{2})(?!\d)/g;

export function maskPersonalData(s: string): string {
  return s.replace(ID_RUN, (_m, a: string, b: string) => `${a}*******${b}`);
}

export const logSerializers = {
  req(req: { method: string; url: string; headers: Record<string, unknown>; ip?: string }) {
    return { method: req.method, url: maskPersonalData(req.url), ip: req.ip, ua: req.headers['user-agent'] };
  },
  res(res: { statusCode: number }) {
    return { statusCode: res.statusCode };
  },
};

export const logRedact = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'password', '*.password', 'token', '*.token'];

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
interface Logger {
  level: string;
  isLevelEnabled?(level: string): boolean;
  child(bindings: Record<string, unknown>, opts?: Record<string, unknown>): Logger;
  fatal(...a: unknown[]): void;
  error(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  info(...a: unknown[]): void;
  debug(...a: unknown[]): void;
  trace(...a: unknown[]): void;
}

/**
 * Fastify gives every request a child logger bound to its request id. A pino child costs about a
 * microsecond and several objects, and at the usual levels almost no request logs anything. This
 * stand-in builds the child only when a line is logged at an enabled level (or a child or a level
 * change is asked for), so the lines that are written carry the same bindings as before.
 */
class DeferredChild {
  private made: Logger | null = null;

  constructor(private readonly parent: Logger, private readonly bound: Record<string, unknown>, private readonly opts: Record<string, unknown>) {}

  private get logger(): Logger {
    return (this.made ??= this.parent.child(this.bound, this.opts));
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  isLevelEnabled(level: Level): boolean {
    return logsAt(this.made ?? this.parent, level);
  }

  child(bindings: Record<string, unknown>, opts?: Record<string, unknown>): Logger {
    return this.logger.child(bindings, opts);
  }

  private write(level: Level, args: unknown[]): void {
    if (this.isLevelEnabled(level)) this.logger[level](...args);
  }

  fatal(...a: unknown[]): void { this.write('fatal', a); }
  error(...a: unknown[]): void { this.write('error', a); }
  warn(...a: unknown[]): void { this.write('warn', a); }
  info(...a: unknown[]): void { this.write('info', a); }
  debug(...a: unknown[]): void { this.write('debug', a); }
  trace(...a: unknown[]): void { this.write('trace', a); }
  silent(): void {}
}

/** Fastify's `childLoggerFactory`: a request's logger, made on first use. A route with its own level gets its child at once. */
export function deferredChildLogger<L>(parent: L, bindings: object, opts: { level?: unknown }): L {
  const p = parent as unknown as Logger;
  const o = opts as Record<string, unknown>;
  if (opts.level !== undefined) return p.child(bindings as Record<string, unknown>, o) as unknown as L;
  return new DeferredChild(p, bindings as Record<string, unknown>, o) as unknown as L;
}

/** Whether a logger writes lines at `level` (a logger that cannot tell is taken to write them). */
export function logsAt(log: object, level: Level): boolean {
  const l = log as { isLevelEnabled?(level: string): boolean };
  return l.isLevelEnabled ? l.isLevelEnabled(level) : true;
}
