// Finds the Temporal CLI or builds the pinned version into the cache (used by .ci/run and the test setup).
import { loadConfigOrExit } from '../runtime/config';
import { cliVersion, findOrBuildTemporalCli } from '../runtime/temporal-cli';

const config = loadConfigOrExit();
const cli = await findOrBuildTemporalCli({
  cliPath: config.temporal.cliPath,
  cacheDir: config.temporal.cacheDir,
  envPath: config.temporal.searchPath,
});
console.log(`${cli.path} (${cli.source}): ${cliVersion(cli.path).split('\n')[0]}`);
