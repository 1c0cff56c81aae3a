// Save-as-you-type: edits to one key within the quiet period become one write of the last
// value, writes go out in the order made, flush writes at once, and the waiting count is
// reported so the form can say "Saving…".
import { describe, expect, it, vi } from "vitest";
import { createAutosave } from "./autosave";

describe("autosave", () => {
  it("coalesces edits of one key, keeps order across keys, and flushes at once", async () => {
    const written: string[] = [];
    const counts: number[] = [];
    const a = createAutosave<string>(
      async (k, v) => {
        written.push(`${k}=${v}`);
      },
      10_000,
      (n) => counts.push(n),
    );
    a.schedule("x", "1");
    a.schedule("x", "12");
    a.schedule("y", "a");
    a.schedule("z", "gone");
    a.cancel("z");
    expect(a.pending()).toEqual(["x", "y"]);
    await a.flush();
    expect(written).toEqual(["x=12", "y=a"]);
    expect(a.pending()).toEqual([]);
    expect(counts).toEqual([1, 1, 2, 3, 2, 0]);
  });

  it("writes by itself after the quiet period, and a failed write does not stop later ones", async () => {
    const written: string[] = [];
    const a = createAutosave<string>(async (k, v) => {
      if (v === "bad") throw new Error("refused");
      written.push(`${k}=${v}`);
    }, 20);
    a.schedule("x", "bad");
    await new Promise((r) => setTimeout(r, 60));
    a.schedule("y", "ok");
    await new Promise((r) => setTimeout(r, 60));
    expect(written).toEqual(["y=ok"]);
  });

  it("writes during typing that never pauses, at most every max-wait", async () => {
    vi.useFakeTimers();
    try {
      const written: string[] = [];
      const a = createAutosave<string>(async (k, v) => {
        written.push(`${k}=${v}`);
      }, 300, () => undefined, 1_000);
      let text = "";
      // One key every 100 ms for 2.5 s: the 300 ms quiet period never comes.
      for (let i = 0; i < 25; i++) {
        text += "x";
        a.schedule("plan", text);
        await vi.advanceTimersByTimeAsync(100);
      }
      expect(written.length).toBe(2);
      expect(written[0]).toBe(`plan=${"x".repeat(10)}`);
      expect(written[1]).toBe(`plan=${"x".repeat(20)}`);
    } finally {
      vi.useRealTimers();
    }
  });
});
