import { describe, expect, it } from 'vitest';
import { AdapterLifecycle, NotRunningError } from '../../../adapters/kit/lifecycle.ts';

/** A promise and the function that settles it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function running(name = 'test'): Promise<AdapterLifecycle> {
  const life = new AdapterLifecycle(name);
  await life.start(() => {});
  return life;
}

describe('AdapterLifecycle', () => {
  it('goes idle, starting, running, stopping, stopped', async () => {
    const life = new AdapterLifecycle('test');
    expect(life.state).toBe('idle');
    const connected = deferred();
    const starting = life.start(() => connected.promise);
    expect(life.state).toBe('starting');
    expect(life.running).toBe(false);
    connected.resolve();
    await starting;
    expect(life.state).toBe('running');
    expect(life.running).toBe(true);
    const closed = deferred();
    const stopping = life.stop({ close: () => closed.promise });
    expect(life.state).toBe('stopping');
    await settle();
    closed.resolve();
    await stopping;
    expect(life.state).toBe('stopped');
  });

  it('returns the same promise from a second stop, and runs the stop steps once', async () => {
    const life = await running();
    const steps: string[] = [];
    const first = life.stop({ halt: () => steps.push('halt'), close: () => void steps.push('close') });
    const second = life.stop({ halt: () => steps.push('halt again'), close: () => void steps.push('again') });
    expect(second).toBe(first);
    await first;
    expect(life.stop()).toBe(first);
    await expect(life.stop()).resolves.toBeUndefined();
    expect(steps).toEqual(['halt', 'close']);
  });

  it('halts at once, waits for a post in flight, then closes', async () => {
    const life = await running();
    const steps: string[] = [];
    const sent = deferred<string>();
    const posting = life.post(() => sent.promise);
    expect(life.inFlight).toBe(1);
    let stopped = false;
    const stopping = life
      .stop({ halt: () => steps.push('halt'), close: (wasStarted) => void steps.push(`close ${wasStarted}`) })
      .then(() => {
        stopped = true;
      });
    await settle();
    expect(steps).toEqual(['halt']);
    expect(stopped).toBe(false);
    sent.resolve('ref');
    await expect(posting).resolves.toBe('ref');
    await stopping;
    expect(steps).toEqual(['halt', 'close true']);
    expect(life.inFlight).toBe(0);
  });

  it('waits for a post that fails as well, and passes its error on to the poster', async () => {
    const life = await running();
    const posting = life.post(() => Promise.reject(new Error('refused')));
    await life.stop();
    await expect(posting).rejects.toThrow('refused');
  });

  it('takes no new post after stop, with a clear error, and does not run it', async () => {
    const life = await running('Slack');
    let ran = false;
    const stopping = life.stop();
    const during = life.post(async () => {
      ran = true;
    });
    await expect(during).rejects.toThrow(new NotRunningError('Slack', 'stopping'));
    await expect(during).rejects.toThrow('The Slack adapter is stopped.');
    await stopping;
    await expect(life.post(async () => 'x')).rejects.toBeInstanceOf(NotRunningError);
    expect(ran).toBe(false);
  });

  it('takes no post before start or while starting', async () => {
    const life = new AdapterLifecycle('shell');
    await expect(life.post(async () => 'x')).rejects.toThrow('The shell adapter is not started.');
    const connected = deferred();
    const starting = life.start(() => connected.promise);
    await expect(life.post(async () => 'x')).rejects.toThrow('The shell adapter is still starting.');
    connected.resolve();
    await starting;
    await expect(life.post(async () => 'x')).resolves.toBe('x');
  });

  it('runs a post at once, and turns its synchronous throw into a rejection', async () => {
    const life = await running();
    let ran = false;
    const posting = life.post(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    await posting;
    await expect(
      life.post(() => {
        throw new Error('bad target');
      }),
    ).rejects.toThrow('bad target');
  });

  it('waits for tracked work on stop, whatever the state', async () => {
    const life = await running();
    const answered = deferred();
    const answer = life.track(answered.promise);
    let stopped = false;
    const stopping = life.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    answered.resolve();
    await answer;
    await stopping;
    expect(stopped).toBe(true);
  });

  it('starts once: a second start is refused, and so is a start after stop', async () => {
    const life = await running('Slack');
    await expect(life.start(() => {})).rejects.toThrow(
      'This Slack adapter was already started; make a new one.',
    );
    expect(life.state).toBe('running');
    await life.stop();
    await expect(life.start(() => {})).rejects.toThrow('already started');
    expect(life.state).toBe('stopped');
  });

  it('is stopped after a failed start, and undoes what the start opened', async () => {
    const life = new AdapterLifecycle('test');
    const undone: string[] = [];
    await expect(
      life.start(
        () => Promise.reject(new Error('bad token')),
        async () => {
          undone.push('disconnected');
        },
      ),
    ).rejects.toThrow('bad token');
    expect(life.state).toBe('stopped');
    expect(undone).toEqual(['disconnected']);
  });

  it('fails a start that stop() overtook, and stops with wasStarted', async () => {
    const life = new AdapterLifecycle('test');
    const connected = deferred();
    const undone: string[] = [];
    const starting = life.start(
      () => connected.promise,
      async () => {
        undone.push('disconnected');
      },
    );
    let wasStarted: boolean | null = null;
    await life.stop({
      close: (started) => {
        wasStarted = started;
      },
    });
    expect(wasStarted).toBe(true);
    connected.resolve();
    await expect(starting).rejects.toThrow('The test adapter was stopped while it started.');
    expect(life.state).toBe('stopped');
    expect(undone).toEqual(['disconnected']);
  });

  it('stops before start without wasStarted', async () => {
    const life = new AdapterLifecycle('test');
    let wasStarted: boolean | null = null;
    await life.stop({
      close: (started) => {
        wasStarted = started;
      },
    });
    expect(wasStarted).toBe(false);
    expect(life.state).toBe('stopped');
  });

  it('starts again after stop when restartable, with a fresh stop', async () => {
    const life = new AdapterLifecycle('memory', { restartable: true });
    await life.start(() => {});
    await expect(life.start(() => {})).rejects.toThrow('The memory adapter is already running');
    const firstStop = life.stop();
    await firstStop;
    await life.start(() => {});
    expect(life.running).toBe(true);
    const secondStop = life.stop();
    expect(secondStop).not.toBe(firstStop);
    await secondStop;
    expect(life.state).toBe('stopped');
  });
});

describe('health', () => {
  it('words every state but running, and asks the adapter while running', async () => {
    const life = new AdapterLifecycle('Test');
    const running = () => ({ connected: true, detail: 'test: connected to the fake' });
    expect(life.health('test', running)).toEqual({ connected: false, detail: 'test: not started' });
    await life.start(() => undefined);
    expect(life.health('test', running)).toEqual({ connected: true, detail: 'test: connected to the fake' });
    await life.stop();
    expect(life.health('test', running)).toEqual({ connected: false, detail: 'test: stopped' });
  });
});
