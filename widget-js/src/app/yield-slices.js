// Lets a long synchronous-looking job (the DOM clone awaits each node's hook,
// but resolved promises never leave the task) give the main thread back to
// the page every few milliseconds, so no single task blocks input for long.

/** Returns pause(): undefined while the slice lasts, else a promise that resolves in a new task. */
export function yieldingEvery(sliceMs) {
  let start = performance.now();
  return function pause() {
    if (performance.now() - start < sliceMs) return undefined;
    return nextTask().then(() => {
      start = performance.now();
    });
  };
}

/** Resolves in a new task: the page gets the main thread in between. */
export function nextTask() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  // A message is a new task without setTimeout's clamping and background throttling.
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
