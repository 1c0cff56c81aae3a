// Why: the header, the bootstrap progress and the offline banner must stay on screen while
// a long chart scrolls: a clinician charting offline has to keep seeing that the server is
// out of reach. They stick together at the top, and their height (which changes when the
// offline banner comes and goes or the navigation wraps on a narrow window) is published
// as `--masthead-height`, so the chart's patient banner sticks right below them instead
// of sliding over them.
import { useLayoutEffect, useRef, type ReactNode } from "react";

const MASTHEAD_HEIGHT_VAR = "--masthead-height";

export function Masthead({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const root = document.documentElement;
    const publish = () => root.style.setProperty(MASTHEAD_HEIGHT_VAR, `${el.offsetHeight}px`);
    publish();
    // Every webview the app runs in has ResizeObserver; the unit tests' DOM does not.
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(publish);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <div className="masthead" ref={ref}>
      {children}
    </div>
  );
}
