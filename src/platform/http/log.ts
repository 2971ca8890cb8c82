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
