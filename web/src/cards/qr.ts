import QRCode from 'qrcode';

/** The card's QR payload fields (DOMAIN.md §3): id | old id | name | ddmmyyyy | Nam/Nữ | address | ddmmyyyy. */
export interface QrFields {
  idNumber: string;
  fullName: string;
  birthDate: string;
  sex: string;
  address: string;
  issueDate: string;
}

/** dd/mm/yyyy from ddmmyyyy; 00 marks an unknown day or month (as the server writes a partial date). */
function qrDate(s: string): string {
  const m = /^(\d{2})(\d{2})(\d{4})$/.exec(s);
  if (!m) return s;
  const [, d, mo, y] = m;
  if (d === '00' && mo === '00') return y!;
  if (d === '00') return `${mo}/${y}`;
  return `${d}/${mo}/${y}`;
}

export function qrFields(payload: string): QrFields {
  const f = payload.split('|');
  return { idNumber: f[0] ?? '', fullName: f[2] ?? '', birthDate: qrDate(f[3] ?? ''), sex: f[4] ?? '', address: f[5] ?? '', issueDate: qrDate(f[6] ?? '') };
}

/** The QR code as an SVG data: URL (byte mode, UTF-8), rendered in the browser, no network. */
export async function qrDataUrl(payload: string): Promise<string> {
  const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
