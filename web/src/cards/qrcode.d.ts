/** The part of the `qrcode` package (browser build) the card preview uses; the package ships no types. */
declare module 'qrcode' {
  interface ToStringOptions {
    type: 'svg' | 'utf8' | 'terminal';
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
    margin?: number;
    width?: number;
    color?: { dark?: string; light?: string };
  }
  const QRCode: { toString(text: string, options: ToStringOptions): Promise<string> };
  export default QRCode;
}
