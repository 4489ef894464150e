// Bundles each program into one CommonJS file with everything it imports, so
// that Node 20 loads one file without its ES module loader and without a file
// read per module, and keeps one source text instead of a hundred:
// - dist/ledctl.cjs (from dist/command/main.js): most of what ledctl spent
//   before its request was loading modules;
// - dist/ledd.cjs (from dist/daemon/main.js) and dist/ledd-mqtt.cjs (from
//   dist/bridge/main.js): the daemon and the bridge hold less memory so
//   (measured by `npm run bench -- mqtt-fleet`);
// - dist/ledd-cleanup.cjs (from dist/daemon/cleanup-entry.js): the clean-up,
//   which runs while a removal or an upgrade deletes or replaces ledd's files.
// The sources stay the single truth; these files are built from them by `npm
// run build`. `node scripts/bundle.mjs DIR` bundles another tree's dist/ (a
// foreign-architecture root's: the output is the same JavaScript everywhere).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

/**
 * MQTT.js modules the bridge never runs, left out of its bundle: it speaks
 * MQTT over TCP and TLS only (its configuration refuses other schemes), goes
 * through no SOCKS proxy, and uses Node's timers, not a browser's workers.
 * MQTT.js loads them all at its first connection. The stand-ins say what is
 * missing if they are ever reached.
 */
const mqttStandIns = {
  './ws': standIn('streamBuilder', 'MQTT over WebSockets'),
  './wx': standIn('default', 'MQTT in WeChat'),
  './ali': standIn('default', 'MQTT in Alipay'),
  './socks': standIn('default', 'a SOCKS proxy (MQTTJS_SOCKS_PROXY): unset it'),
  'worker-timers': 'module.exports = {};',
};

function standIn(exportName, what) {
  // __esModule: MQTT.js takes some of them through TypeScript's __importDefault.
  return (
    'Object.defineProperty(exports, "__esModule", { value: true });\n' +
    `exports.${exportName} = () => { throw new Error("ledd-mqtt does not support ${what.replaceAll('"', '\\"')}"); };`
  );
}

/** Replaces mqttStandIns when MQTT.js imports them; fails the build if one is no longer imported (MQTT.js changed). */
function leaveOutOfMqtt() {
  const used = new Set();
  return {
    name: 'leave-out-of-mqtt',
    setup(builder) {
      const names = Object.keys(mqttStandIns).map((name) => name.replace(/[./-]/g, '\\$&'));
      builder.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => {
        if (!args.importer.includes(`${path.sep}node_modules${path.sep}mqtt${path.sep}`)) return undefined;
        used.add(args.path);
        return { path: args.path, namespace: 'mqtt-stand-in' };
      });
      builder.onLoad({ filter: /.*/, namespace: 'mqtt-stand-in' }, (args) => ({
        contents: mqttStandIns[args.path],
        loader: 'js',
      }));
      builder.onEnd((result) => {
        const unused = Object.keys(mqttStandIns).filter((name) => !used.has(name));
        if (result.errors.length === 0 && unused.length > 0)
          throw new Error(`scripts/bundle.mjs: MQTT.js no longer imports ${unused.join(', ')}: update mqttStandIns`);
      });
    },
  };
}

const bundles = [
  { entry: 'dist/command/main.js', out: 'dist/ledctl.cjs' },
  { entry: 'dist/daemon/main.js', out: 'dist/ledd.cjs' },
  { entry: 'dist/daemon/cleanup-entry.js', out: 'dist/ledd-cleanup.cjs' },
  { entry: 'dist/bridge/main.js', out: 'dist/ledd-mqtt.cjs', plugins: [leaveOutOfMqtt()] },
];

for (const { entry, out, plugins = [] } of bundles) {
  await build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, out),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The GPIO binding for libgpiod 1.x, an npm package with an addon of its own, stays a package.
    external: ['node-libgpiod'],
    // import.meta.url in CommonJS: this file's own URL (the modules find the package root from it).
    banner: { js: '"use strict";\nconst bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { 'import.meta.url': 'bundleUrl' },
    plugins,
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
  });
}
