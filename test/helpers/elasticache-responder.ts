// Stands in front of a real plaintext redis-server and answers a TLS ClientHello the way an
// ElastiCache endpoint does, which stock redis-server does not (it waits for a newline that
// never comes, because its inline parser stops at the NUL bytes of the TLS record header).
//
// ElastiCache's answer, as seen in redisson/redisson#5185 (hex dump of what Netty received):
//   2d45525220756e6b6e6f776e20636f6d6d616e642027 160303018401 272c2077697468206172...
//   "-ERR unknown command '"                      <raw record bytes up to the first NUL> "', with ar..."
// i.e. the record bytes are written raw, not escaped, exactly like redis-server 7.0 echoes an
// unknown command name (checked here: `FOO\x01 bar` -> `-ERR unknown command 'FOO\x01', with args beginning with: 'bar' `).
//
// Modes:
//   plaintext-only  TLS byte 0x16 first -> the -ERR above; anything else -> piped to upstream.
//   preferred       TLS byte 0x16 first -> TLS terminated here, decrypted stream piped upstream;
//                   anything else -> piped to upstream. (TransitEncryptionMode=preferred: both on one port.)
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { CertFiles } from './certs.js';
import { LOOPBACK } from './redis-server.js';

export type ResponderMode = 'plaintext-only' | 'preferred';

export interface ResponderOptions {
  mode: ResponderMode;
  /** The real plaintext redis-server behind the responder. */
  upstreamPort: number;
  upstreamHost?: string;
  /** Required for 'preferred'. */
  certs?: Pick<CertFiles, 'certFile' | 'keyFile'>;
}

export interface ResponderHandle {
  host: string;
  port: number;
  mode: ResponderMode;
  /** Connections accepted so far, by what the first byte said. */
  stats: { connections: number; tls: number; plaintext: number };
  stop(): Promise<void>;
}

const TLS_HANDSHAKE_RECORD = 0x16;

/** What ElastiCache (and redis-server's rejectCommandFormat) writes for a binary first "command". */
export function unknownCommandReply(firstChunk: Buffer): Buffer {
  let end = firstChunk.indexOf(0);
  if (end < 0) end = firstChunk.length;
  // The command name is a C string (ends at NUL); redis caps it at 128 bytes and turns CR/LF into spaces
  // so the error stays one protocol line.
  const name = Buffer.from(firstChunk.subarray(0, Math.min(end, 128)));
  for (let i = 0; i < name.length; i++) if (name[i] === 0x0d || name[i] === 0x0a) name[i] = 0x20;
  return Buffer.concat([
    Buffer.from("-ERR unknown command '", 'latin1'),
    name,
    Buffer.from("', with args beginning with: \r\n", 'latin1'),
  ]);
}

function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  const kill = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', kill);
  b.on('error', kill);
  a.on('close', kill);
  b.on('close', kill);
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const addr = server.address();
      if (addr && typeof addr === 'object') resolve(addr.port);
      else reject(new Error('responder has no port'));
    });
  });
}

export async function startElastiCacheResponder(opts: ResponderOptions): Promise<ResponderHandle> {
  const upstreamHost = opts.upstreamHost ?? LOOPBACK;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const upstream = () => {
    const u = net.connect({ host: upstreamHost, port: opts.upstreamPort });
    track(u);
    return u;
  };

  // 'preferred': TLS is terminated by an internal TLS server; raw bytes (first chunk included)
  // are piped to it, which avoids re-feeding already-read bytes into a TLSSocket.
  let terminator: tls.Server | undefined;
  let terminatorPort = 0;
  if (opts.mode === 'preferred') {
    if (!opts.certs) throw new Error("startElastiCacheResponder: mode 'preferred' needs certs");
    terminator = tls.createServer({ cert: readFileSync(opts.certs.certFile), key: readFileSync(opts.certs.keyFile) }, (clear) => {
      track(clear);
      pipeBoth(clear, upstream());
    });
    terminator.on('tlsClientError', () => {
      /* a client that rejected our certificate: its own error is the fixture */
    });
    terminatorPort = await listen(terminator);
  }

  const stats = { connections: 0, tls: 0, plaintext: 0 };
  const server = net.createServer((client) => {
    track(client);
    stats.connections++;
    client.on('error', () => client.destroy());
    client.once('data', (first: Buffer) => {
      client.pause();
      if (first[0] === TLS_HANDSHAKE_RECORD) {
        stats.tls++;
        if (opts.mode === 'plaintext-only') {
          // Like the real endpoint, answer and keep the connection; the client's TLS layer gives up.
          client.write(unknownCommandReply(first));
          client.resume();
          client.on('data', () => {});
          return;
        }
        const t = net.connect({ host: LOOPBACK, port: terminatorPort });
        track(t);
        t.write(first);
        pipeBoth(client, t);
        client.resume();
        return;
      }
      stats.plaintext++;
      const u = upstream();
      u.write(first);
      pipeBoth(client, u);
      client.resume();
    });
  });
  const port = await listen(server);

  let stopped: Promise<void> | undefined;
  return {
    host: LOOPBACK,
    port,
    mode: opts.mode,
    stats,
    stop: () =>
      (stopped ??= (async () => {
        for (const s of sockets) s.destroy();
        await Promise.all(
          [server, terminator].filter((s): s is net.Server => !!s).map((s) => new Promise<void>((r) => s.close(() => r()))),
        );
      })()),
  };
}
