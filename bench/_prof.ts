import { cliRun } from './cli-run.ts';
const dir = process.argv[2] ?? '/work/runs/prof';
const r = await cliRun({ adminUrl: process.env.DATABASE_URL, database: 'pakhuis_bench_prof', dataDir: 'bench/data/53000', work: '/tmp/prof-work', key: 'k'.repeat(64), nodeArgs: process.argv[3] === 'noprof' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'] });
console.log(JSON.stringify({ ...r, fingerprint: undefined }));
