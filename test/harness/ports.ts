// Free ports for servers a test starts by port number. Ports are taken below the kernel's ephemeral range
// (32768+ on Linux), where port-0 sockets of parallel tests come from, so a port found free is not handed to
// someone else a moment later.
import net from 'node:net';

const used = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (used.has(port)) continue;
    if (await bindable(port)) {
      used.add(port);
      return port;
    }
  }
  throw new Error('no free port found in 20000–31999');
}
