import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

/**
 * In-process V8 CPU profiler with explicit start/stop, so a benchmark profiles exactly its measured
 * window (not start-up or the other target). Open the written .cpuprofile in Chrome DevTools or
 * summarise it with ./cpuprofile.ts.
 */
export class WindowProfiler {
  private session = new Session();
  private connected = false;

  async start(sampleIntervalUs = 200) {
    if (!this.connected) {
      this.session.connect();
      this.connected = true;
      await this.session.post('Profiler.enable');
    }
    await this.session.post('Profiler.setSamplingInterval', { interval: sampleIntervalUs });
    await this.session.post('Profiler.start');
  }

  async stop(file: string): Promise<string> {
    const { profile } = await this.session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    return file;
  }
}
