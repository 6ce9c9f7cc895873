// talk.js: what the talk's JavaScript program did, through minictr's
// Docker Engine API instead of dockerd's: list the images, create and
// start a container, read its logs, stop it and remove it.
//
//   sudo minictr serve &                       # the API on a Unix socket
//   npm ci                                     # dockerode, from the lockfile
//   sudo node talk.js [/run/minictr/docker.sock]
//
// Every call below is one HTTP request on the socket (dockerode sends
// unversioned paths: POST /containers/create, GET /containers/ID/logs, ...).
// `sudo minictr ps -a` shows the same container while it runs: the API is
// only another door into the same containers.
'use strict';
const Docker = require('dockerode');

const socketPath = process.argv[2] ||
  (process.env.DOCKER_HOST || '').replace(/^unix:\/\//, '') ||
  '/run/minictr/docker.sock';
const docker = new Docker({ socketPath });

// Docker's logs without a tty are frames: [stream, 0, 0, 0, length (4 bytes,
// big-endian)], then that many bytes. Split them back into text.
function demux(buf) {
  const out = { stdout: '', stderr: '' };
  for (let at = 0; at + 8 <= buf.length;) {
    const len = buf.readUInt32BE(at + 4);
    const text = buf.slice(at + 8, at + 8 + len).toString();
    if (buf[at] === 2) out.stderr += text; else out.stdout += text;
    at += 8 + len;
  }
  return out;
}

async function main() {
  const ping = await docker.ping();
  console.log(`ping: ${ping}`);

  const images = await docker.listImages();
  console.log('images:', images.map((i) => i.RepoTags[0]).join(', '));

  const container = await docker.createContainer({
    Image: 'busybox',
    name: `talk-${process.pid}`,
    Cmd: ['sh', '-c', 'echo hello from minictr; echo to stderr >&2; sleep 100'],
    HostConfig: { Memory: 64 * 1024 * 1024 },
  });
  console.log(`created: ${container.id.slice(0, 12)}`);
  await container.start();
  const info = await container.inspect();
  console.log(`started: ${info.State.Status}, pid ${info.State.Pid}, memory limit ${info.HostConfig.Memory}`);

  // Let it print, then read what it printed.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const logs = demux(await container.logs({ stdout: true, stderr: true }));
  console.log(`logs: stdout=${JSON.stringify(logs.stdout)} stderr=${JSON.stringify(logs.stderr)}`);

  await container.stop({ t: 1 });
  const result = await container.wait();
  console.log(`stopped: exit code ${result.StatusCode}`);
  await container.remove();
  console.log('removed');
  if (!logs.stdout.includes('hello from minictr')) throw new Error('no output in the logs');
}

main().catch((err) => {
  console.error(`talk.js: ${err.message}`);
  process.exit(1);
});
