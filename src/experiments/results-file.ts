/** Moved to src/results/results-file.ts (results sit below report/ and plots/); this re-export keeps old imports working. */
export * from '../results/results-file';
