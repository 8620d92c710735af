import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses one HTTP/1.1 response (Content-Length or chunked) from raw text. */
export function parseRawResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  let body = text.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let out = '';
    for (let rest = body; ; ) {
      const size = Number.parseInt(rest, 16);
      if (!size) break;
      const start = rest.indexOf('\r\n') + 2;
      out += rest.slice(start, start + size);
      rest = rest.slice(start + size + 2);
    }
    body = out;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/**
 * Writes `request` as is on a fresh connection and reads until the server closes it or
 * `waitMs` passes; the first response is parsed. For requests fetch() refuses to send.
 */
export function rawRequest(port: number, request: string | Buffer, waitMs = 3_000): Promise<RawResponse & { raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (chunk) => (raw += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      if (!raw.includes('\r\n\r\n')) return reject(new Error(`no response within ${waitMs} ms: ${JSON.stringify(raw)}`));
      resolve({ ...parseRawResponse(raw), raw });
    });
    socket.write(request);
  });
}
