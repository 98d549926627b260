/**
 * node --import tsx bench/client-cpu.ts <source> <file> [repeats] [--generic]
 *
 * The ingest client alone: the file read by its format (its plain reader when it has one, unless
 * --generic), every row validated, pseudonymised and rendered as COPY text, nothing sent. Prints
 * CPU time per row, which a machine that other work shares disturbs less than wall time.
 */
import { SOURCE_DEFINITIONS } from '../sources/index.ts';
import { Pseudonymizer } from '../lib/pseudonym.ts';
import { RowRouter } from '../pipelines/ingest/row-router.ts';
import type { SourceDefinition } from '../sources/source.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const generic = process.argv.includes('--generic');
const [name, file, repeatsArg] = args;
const source = (SOURCE_DEFINITIONS as Record<string, SourceDefinition>)[name!];
if (!source || !file) throw new Error('usage: client-cpu.ts <source> <file> [repeats] [--generic]');
const repeats = Number(repeatsArg ?? 3);
const pseudonymizer = new Pseudonymizer('bench-key-0123456789abcdef0123456789abcdef', 1);
for (let r = 0; r < repeats; r++) {
  const router = new RowRouter(source, 1, pseudonymizer, Object.values(source.tables)[0]!.name);
  const format = source.formats.find((f) => f.claims(file, Buffer.alloc(0)) && f.name.endsWith('csv'))!;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  const flush = () => {
    if (router.pending < 256 * 1024) return;
    bytes += router.takeLive().length;
    for (const [, text] of router.takeSpooled()) bytes += text.length;
  };
  const plain = generic ? null : await format.readPlain?.(file, { displayName: file, pseudonymizer, loadId: 1, maxLine: 1000 });
  let plainRows = 0;
  if (plain) {
    for await (const chunk of plain) {
      router.countPlain(chunk.rows);
      plainRows += chunk.rows;
      for (const record of chunk.records) router.route(record);
      bytes += chunk.copy?.length ?? 0;
      for (const [, text] of chunk.spooled) bytes += text.length;
      flush();
    }
  } else {
    for await (const record of format.read(file, { displayName: file })) {
      router.route(record);
      flush();
    }
  }
  bytes += router.takeLive().length;
  for (const [, text] of router.takeSpooled()) bytes += text.length;
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const us = (cpu.user + cpu.system) / router.rowsRead;
  console.log(
    `${format.name}${plain ? ' (plain)' : ''}: ${router.rowsRead} rows, ${plainRows} plain, ${router.rowsStaged} staged, ${router.rowsRejected} rejected; CPU ${us.toFixed(2)} µs/row, wall ${((wall * 1000) / router.rowsRead).toFixed(2)} µs/row, ${bytes} bytes out`,
  );
}
