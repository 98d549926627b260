// SheetJS's ES module build, which ./xlsx-worker.js loads, has the API the package declares for its
// CommonJS build.
declare module 'xlsx/xlsx.mjs' {
  export * from 'xlsx';
}
