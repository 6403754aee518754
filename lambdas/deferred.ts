/**
 * Ports built on first use. The functions' AWS side (SDK clients and the adapters over them) is most of what a cold
 * start loads, and a delivery without detections, parse errors or failures never calls AWS: such a cold start should
 * not pay for it. Each port is still built once per execution environment and injected like any other.
 */

/**
 * An object standing for the one `create` returns, built on the first read of any of its properties (a method call),
 * once; every read after goes to what was built, methods bound to it. `create` is where the modules behind the port
 * are required, so they load then and not with the bundle.
 */
export function deferred<T extends object>(create: () => T): T {
  let built: T | undefined;
  const target = (): T => {
    built ??= create();
    return built;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const real = target();
      const value: unknown = Reflect.get(real, key, real);
      return typeof value === 'function' ? value.bind(real) : value;
    },
    has: (_, key) => Reflect.has(target(), key),
  });
}
