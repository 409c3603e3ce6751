// Receivers for the notification tests (issue 15): a real SMTP server (smtp-server, the
// nodemailer project's) that keeps every message, parsed by mailparser; and a fake SMS / voice
// provider over HTTP that records each request and answers as scripted.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  to: string[];
  parsed: ParsedMail;
}

export async function startSmtpSink(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise((r) => server.close(() => r())) };
}

export interface ProviderRequest {
  url: string;
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Answers each request with `answer(request, n)`: [status, JSON body]. */
export async function startFakeProvider(answer: (r: ProviderRequest, n: number) => [number, unknown]): Promise<{ url: string; requests: ProviderRequest[]; close(): Promise<void> }> {
  const requests: ProviderRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const r = { url: req.url ?? '', method: req.method ?? '', headers: req.headers, body };
      requests.push(r);
      const [status, reply] = answer(r, requests.length);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
