// `node --import tsx worker/bundle-main.ts <options-json> <out-file>`: bundles the workflow code and writes it to a
// file, then ends. Run by bundleInChildProcess (worker/worker.ts) so that webpack's heap lives and dies in this process.
import fs from 'node:fs';
import { bundleWorkflows, type BundleOptions } from './worker';

const [json, out] = process.argv.slice(2);
const bundle = await bundleWorkflows(JSON.parse(json!) as BundleOptions);
fs.writeFileSync(out!, bundle.code);
