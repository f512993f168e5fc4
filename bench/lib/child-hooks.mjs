// Preloaded (--import) into the service child by bench/lib/service.ts; not part of the service.
// On the IPC message 'memory' it collects garbage (the child runs with --expose-gc) and answers
// with process.memoryUsage(), so the parent can read a settled resident size.
process.on('message', (message) => {
  if (message !== 'memory') return;
  globalThis.gc?.();
  globalThis.gc?.();
  setTimeout(() => process.send?.({ memory: process.memoryUsage() }), 200);
});
