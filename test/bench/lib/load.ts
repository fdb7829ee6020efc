import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  durationSeconds: number;
  reqPerSec: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Every response's latency in ms, in arrival order (merged across rounds for exact percentiles). */
  latencies: Float64Array;
  bytesPerResponse: number;
}

/**
 * Drives one URL with a fixed number of keep-alive connections (closed loop: each connection sends
 * its next request when the previous answer arrives). Latencies are kept raw rather than read from
 * autocannon's histogram, so rounds can be merged and percentiles computed exactly.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSeconds,
    pipelining: 1,
    timeout: 10,
    headers: opts.headers,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const r = await instance;
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    requests: r['2xx'],
    durationSeconds: r.duration,
    reqPerSec: r['2xx'] / r.duration,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    latencies: Float64Array.from(latencies),
    bytesPerResponse: r['2xx'] ? Math.round(r.throughput.total / r['2xx']) : 0,
  };
}

/** Nearest-rank percentile of raw samples (p in 0–100). */
export function percentile(samples: Float64Array, p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
