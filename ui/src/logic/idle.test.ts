// The automatic logoff's clock: it fires once after the limit without input, input pushes
// it back, input is reported to the shell at most once per interval, and stop() disarms it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createIdleWatcher, idleNotice, reportInterval } from "./idle";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("idle logoff", () => {
  it("signs out once the limit passes without input", () => {
    const onIdle = vi.fn();
    createIdleWatcher({ limitMs: 10_000, onIdle, now: () => Date.now() });
    vi.advanceTimersByTime(9_999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("counts the limit from the last input", () => {
    const onIdle = vi.fn();
    const w = createIdleWatcher({ limitMs: 10_000, onIdle, now: () => Date.now() });
    vi.advanceTimersByTime(8_000);
    w.activity();
    vi.advanceTimersByTime(8_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("reports input to the shell at most once per interval", () => {
    const onActivity = vi.fn();
    const w = createIdleWatcher({ limitMs: 600_000, onIdle: () => {}, onActivity, now: () => Date.now() });
    w.activity();
    expect(onActivity).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(1_000);
      w.activity();
    }
    // 20 s of typing inside one 30 s interval: no further report.
    expect(onActivity).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    w.activity();
    expect(onActivity).toHaveBeenCalledTimes(2);
  });

  it("does nothing after stop", () => {
    const onIdle = vi.fn();
    const onActivity = vi.fn();
    const w = createIdleWatcher({ limitMs: 1_000, onIdle, onActivity, now: () => Date.now() });
    w.stop();
    w.activity();
    vi.advanceTimersByTime(5_000);
    expect(onIdle).not.toHaveBeenCalled();
    expect(onActivity).not.toHaveBeenCalled();
  });

  it("reports often enough for the shell's grace, and says the limit in words", () => {
    expect(reportInterval(600_000)).toBe(30_000);
    expect(reportInterval(8_000)).toBe(2_000);
    expect(reportInterval(1_000)).toBe(1_000);
    expect(idleNotice(600)).toBe("You were signed out after 10 minutes without activity. Sign in to continue.");
    expect(idleNotice(8)).toContain("after 8 seconds");
  });
});
